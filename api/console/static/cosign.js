// Co-signing: an envelope handed over as text; the co-signer reads what it does, checks
// the signatures already on it against the members' keys on chain, and adds their own.
import { canonical, get, post, signTx, submit, txId } from "./ledger.js";
import { el, fail, pretty, session, short, status, table, txLink, when } from "./ui.js";

const form = document.getElementById("cosign-form");
const review = document.getElementById("review");
const body = document.getElementById("review-body");
const next = document.getElementById("envelope-next");
const outcome = document.getElementById("outcome");
let envelope = null;
let fromInbox = null; // the inbox entry's tx id when the envelope came from the inbox

function parse(text) {
  let value;
  try { value = JSON.parse(text); } catch { throw new Error("Envelope: not JSON"); }
  if (!value || typeof value.tx !== "object" || !Array.isArray(value.signatures)) {
    throw new Error("Envelope: must be {\"signatures\": [...], \"tx\": {...}}");
  }
  canonical(value.tx); // refuses floats and anything the ledger would not sign
  return value;
}

async function verified(s, tx, signature) {
  const record = (await get(s, `/v1/views/membership/member?member_id=${encodeURIComponent(signature.signer)}`)).result;
  const raw = Uint8Array.from(atob(record.public_key), (c) => c.charCodeAt(0));
  const key = await crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
  const sig = Uint8Array.from(atob(signature.sig), (c) => c.charCodeAt(0));
  return crypto.subtle.verify({ name: "Ed25519" }, key, sig, new TextEncoder().encode(canonical(tx)));
}

async function show(s) {
  const rows = [];
  for (const sig of envelope.signatures) {
    let ok = false;
    try { ok = await verified(s, envelope.tx, sig); } catch { ok = false; }
    rows.push(el("li", {}, `${sig.signer}: `, ok ? "signature checks" : el("strong", { class: "error" }, "signature does NOT check")));
  }
  const tx = envelope.tx;
  body.replaceChildren(
    el("p", {}, `${tx.signer} asks you to co-sign ${tx.contract}.${tx.action} on chain ${tx.chain_id}, created ${tx.created_at}.`),
    el("p", {}, "tx id ", el("span", { class: "mono" }, await txId(tx))),
    pretty(tx.args),
    el("h3", {}, "Signatures so far"), el("ul", {}, rows));
  next.value = JSON.stringify(envelope);
  review.hidden = false;
}

// The inbox: entries naming this member (awaiting its signature) or signed by it.
async function inbox(s) {
  const { items } = await get(s, "/v1/inbox");
  const rows = items.map((item) => {
    const tx = item.envelope.tx;
    const mine = item.awaiting.includes(s.member);
    const open = el("button", { type: "button" }, `Review ${tx.contract}.${tx.action} ${short(item.tx_id, 8)}`);
    open.addEventListener("click", async () => {
      envelope = item.envelope;
      fromInbox = item.tx_id;
      await show(s);
      document.getElementById("review-h").focus();
    });
    return [el("span", { class: "mono" }, short(item.tx_id)), `${tx.contract}.${tx.action}`,
      item.posted_by, when(item.posted_at, s.zone),
      item.awaiting.length ? item.awaiting.join(", ") : "nobody: ready to submit",
      mine ? open : "sent by you"];
  });
  document.getElementById("inbox").replaceChildren(table("Inbox",
    ["tx", "action", "from", "sent", "still to sign", ""], rows, "nothing awaits you."));
}

async function main() {
  const s = await session();
  if (!s) return;
  inbox(s).catch(fail);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      envelope = parse(document.getElementById("envelope-in").value);
      fromInbox = null;
      if (envelope.tx.chain_id !== s.chainId) throw new Error(`Envelope: chain ${envelope.tx.chain_id} is not this chain (${s.chainId})`);
      await show(s);
      status("");
      document.getElementById("review-h").focus();
    } catch (err) {
      fail(err);
    }
  });
  document.getElementById("add-signature").addEventListener("click", async () => {
    try {
      envelope = await signTx(s, envelope.tx, envelope);
      if (fromInbox) {
        const mine = envelope.signatures[envelope.signatures.length - 1];
        envelope = (await post(s, `/v1/inbox/${fromInbox}/signatures`, { sig: mine.sig })).envelope;
      }
      await show(s);
      status(`Signed as ${s.member}. Hand the envelope on, or submit it.`);
    } catch (err) {
      fail(err);
    }
  });
  document.getElementById("submit-envelope").addEventListener("click", async () => {
    try {
      const answer = await submit(envelope);
      const result = answer.results ? answer.results[0] : null;
      const id = answer.tx_ids[0];
      outcome.replaceChildren(result && result.status === "committed"
        ? el("p", { class: "ok" }, `Committed in block ${result.height}: `, txLink(id))
        : el("p", { class: "error" }, `${result ? `Rejected ${result.code}: ${result.message}` : "Pending"} `, txLink(id)));
      outcome.dataset.txId = id;
      outcome.dataset.status = result ? result.status : "pending";
    } catch (err) {
      fail(err);
    }
  });
}

main();
