import { ApiError, clearSession, get, importPem, saveSession } from "./ledger.js";
import { DEFAULT_ZONE, fail, session, status } from "./ui.js";

const form = document.getElementById("sign-in");
const out = document.getElementById("sign-out");

async function signIn(event) {
  event.preventDefault();
  const member = form.member.value.trim();
  const file = form.keyfile.files[0];
  if (!/^[a-z0-9-]+\.[a-z0-9._-]+$/i.test(member)) {
    status("Member id: must be ORG.NAME, e.g. coop-a.manager", "error");
    form.member.focus();
    return;
  }
  if (!file) {
    status("Key file: choose your key.pem", "error");
    form.keyfile.focus();
    return;
  }
  try {
    status("Checking your key with the peer…");
    const key = await importPem(await file.text());
    const health = await (await fetch("/v1/health", { cache: "no-store" })).json();
    const probe = { member, key, chainId: health.chain_id };
    let record;
    try {
      record = (await get(probe, `/v1/views/membership/member?member_id=${encodeURIComponent(member)}`)).result;
    } catch (err) {
      if (err instanceof ApiError && err.code === "AUTH_INVALID") {
        throw new Error(`Key file: this is not the key of ${member}`);
      }
      if (err instanceof ApiError && err.code === "AUTH_UNKNOWN_MEMBER") {
        throw new Error(`Member id: ${member} is not enrolled on this chain`);
      }
      throw err;
    }
    const org = (await get(probe, `/v1/state/membership/org/${encodeURIComponent(record.org)}`)).value;
    const catalogue = await get(probe, "/v1/contracts");
    const claims = catalogue.contracts.find((c) => c.name === "claims");
    const zone = (claims && claims.params.time_zone) || DEFAULT_ZONE;
    await saveSession({
      member, key, chainId: health.chain_id, org: record.org, role: record.role,
      orgType: org.type || "member", zone,
    });
    location.assign("/");
  } catch (err) {
    fail(err);
  }
}

async function signOut(event) {
  event.preventDefault();
  await clearSession();
  location.assign("/sign-in");
}

form.addEventListener("submit", signIn);
out.addEventListener("submit", signOut);
if (await session()) {
  out.hidden = false;
}
