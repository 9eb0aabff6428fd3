// The console's contact with the ledger: the member's key, signed reads (RFC 9421),
// canonical tx bytes (RFC 8785) and envelopes. No other file touches the key.

const DB_NAME = "agriledger-console";
const STORE = "session";
const VALIDITY_S = 60;

// ---- bytes and base64 -------------------------------------------------------------
const enc = new TextEncoder();

export function b64(bytes) {
  let text = "";
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text);
}

function unb64(text) {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function hex(bytes) {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function randomHex(n) {
  return hex(crypto.getRandomValues(new Uint8Array(n)));
}

// ---- RFC 8785 canonical JSON, for the ledger's subset (ledger/encoding.py) ----------
// Strings are escaped as JSON.stringify does (RFC 8785 section 3.2.2.2 is that
// algorithm); keys sort by UTF-16 code units, which is what Array.prototype.sort
// does with no comparator; numbers must be safe integers (money is integer fen).
export function canonical(value, path = "$") {
  if (value === null || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new Error(`${path}: must be an integer within ±(2^53 - 1), not ${value}`);
    }
    return String(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) {
    return "[" + value.map((v, i) => canonical(v, `${path}[${i}]`)).join(",") + "]";
  }
  if (typeof value === "object") {
    const keys = Object.keys(value).sort();
    return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonical(value[k], `${path}.${k}`))
      .join(",") + "}";
  }
  throw new Error(`${path}: ${typeof value} is not allowed in a transaction`);
}

export async function sha256Hex(text) {
  return hex(await crypto.subtle.digest("SHA-256", enc.encode(text)));
}

// ---- the member's key: a non-extractable CryptoKey kept in IndexedDB ----------------
function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function dbDo(mode, fn) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const request = fn(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
  });
}

export async function importPem(pemText) {
  const match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pemText);
  if (!match) throw new Error("key file: not a PEM private key (BEGIN PRIVATE KEY)");
  try {
    return await crypto.subtle.importKey(
      "pkcs8", unb64(match[1].replace(/\s+/g, "")), { name: "Ed25519" }, false, ["sign"]);
  } catch {
    throw new Error("key file: not an Ed25519 private key");
  }
}

export async function saveSession(session) {
  await dbDo("readwrite", (s) => s.put(session, "current"));
}

export async function loadSession() {
  return (await dbDo("readonly", (s) => s.get("current"))) || null;
}

export async function clearSession() {
  await dbDo("readwrite", (s) => s.delete("current"));
}

async function sign(key, text) {
  return b64(await crypto.subtle.sign({ name: "Ed25519" }, key, enc.encode(text)));
}

// ---- errors ------------------------------------------------------------------------
export class ApiError extends Error {
  constructor(status, problem) {
    const detail = problem && (problem.detail || problem.title);
    super(detail ? `${problem.code || status}: ${detail}` : `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.code = this.problem.code;
  }
}

async function failure(response) {
  let problem = null;
  try { problem = await response.json(); } catch { /* not JSON */ }
  return new ApiError(response.status, problem);
}

// ---- RFC 9421 signed requests (api/signing.py, docs/walkthroughs/wire.sh) -----------
export async function signedRequest(session, method, target, body = null) {
  const url = new URL(target, location.origin);
  const path = url.pathname;
  const query = url.search || "?";
  const created = Math.floor(Date.now() / 1000);
  const headers = {};
  let components = '"@method" "@path" "@query"';
  const lines = [`"@method": ${method}`, `"@path": ${path}`, `"@query": ${query}`];
  if (body !== null) {
    const digest = `sha-256=:${b64(await crypto.subtle.digest("SHA-256", enc.encode(body)))}:`;
    components += ' "content-digest"';
    lines.push(`"content-digest": ${digest}`);
    headers["Content-Digest"] = digest;
    headers["Content-Type"] = "application/json";
  }
  const params = `(${components});created=${created};keyid="${session.member}"` +
    `;alg="ed25519";expires=${created + VALIDITY_S};nonce="${randomHex(16)}"`;
  lines.push(`"@signature-params": ${params}`);
  headers["Signature-Input"] = `sig1=${params}`;
  headers["Signature"] = `sig1=:${await sign(session.key, lines.join("\n"))}:`;
  return fetch(url.href, { method, headers, body, cache: "no-store" });
}

export async function get(session, target) {
  const response = await signedRequest(session, "GET", target);
  if (!response.ok) throw await failure(response);
  return response.json();
}

// A signed POST of a JSON value (the inbox, the dev clock): its JSON answer, or ApiError.
export async function post(session, target, value) {
  const response = await signedRequest(session, "POST", target, canonical(value));
  if (!response.ok) throw await failure(response);
  return response.json();
}

// A contract view's value, or null when the view answers 404 (not found / not yours).
export async function view(session, contract, name, params = {}) {
  const q = new URLSearchParams(params).toString();
  try {
    const out = await get(session, `/v1/views/${contract}/${name}${q ? "?" + q : ""}`);
    return out.result;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

// ---- transactions --------------------------------------------------------------------
export function nowUtc() {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function txBody(session, contract, action, args) {
  return {
    action, args, chain_id: session.chainId, contract, created_at: nowUtc(),
    nonce: randomHex(16), signer: session.member,
  };
}

// The envelope a signer makes: the canonical bytes of `tx`, signed.
export async function signTx(session, tx, envelope = null) {
  const bytes = canonical(tx);
  const signatures = envelope ? envelope.signatures.slice() : [];
  if (signatures.some((s) => s.signer === session.member)) {
    throw new Error(`${session.member} has already signed this transaction`);
  }
  signatures.push({ sig: await sign(session.key, bytes), signer: session.member });
  return { signatures, tx };
}

export async function txId(tx) {
  return sha256Hex(canonical(tx));
}

// POST the envelope and wait for its final status (200 committed/rejected).
export async function submit(envelope) {
  const response = await fetch("/v1/transactions?wait=commit", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: canonical(envelope), cache: "no-store",
  });
  if (!response.ok && response.status !== 202) throw await failure(response);
  return response.json();
}

// Every record under `prefix` of a contract's namespace that this member may read, in
// key order: the peer filters and pages (GET /v1/lists, api/routes/lists.py), so a role
// view costs one read per page, never one per block.
export async function records(session, contract, prefix, limit = 200) {
  const found = [];
  let after = null;
  for (;;) {
    const q = new URLSearchParams({ prefix, limit: String(limit) });
    if (after !== null) q.set("after", after);
    const page = await get(session, `/v1/lists/${contract}?${q}`);
    for (const item of page.items) found.push(item.value);
    if (page.next_after === null || page.next_after === undefined) return found;
    after = page.next_after;
  }
}

// Every block from `from` to the head, read one by one (a dev chain's few hundred).
export async function* blocks(session, from = 0) {
  const head = await get(session, "/v1/blocks/head");
  for (let h = from; h <= head.header.height; h++) {
    yield await get(session, `/v1/blocks/${h}`);
  }
}

// Server-sent events through fetch (EventSource cannot sign its request).
export async function follow(session, onEvent, signal) {
  const response = await signedRequest(session, "GET", "/v1/events");
  if (!response.ok) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  signal?.addEventListener("abort", () => reader.cancel());
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const chunk = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = "message";
      let data = "";
      for (const line of chunk.split("\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (data) onEvent(event, JSON.parse(data));
    }
  }
}
