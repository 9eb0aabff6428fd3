// Shared page helpers: the signed-in member, DOM building, CNY and chain-time formats.
import { loadSession } from "./ledger.js";

export const DEFAULT_ZONE = "Asia/Shanghai";

// Build an element: el("td", {class: "num"}, "text", child, ...). Text is never parsed as HTML.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// A table with a caption; each row is a list of cells (strings or nodes).
export function table(caption, headings, rows, empty = "None.") {
  if (!rows.length) return el("p", { class: "empty" }, `${caption}: ${empty}`);
  return el("div", { class: "scroll", role: "region", "aria-label": caption, tabindex: "0" },
    el("table", {},
      el("caption", {}, caption),
      el("thead", {}, el("tr", {}, headings.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) =>
        el("td", typeof c === "object" && c !== null && c.cls ? { class: c.cls } : {},
          typeof c === "object" && c !== null && c.cls ? c.node : c)))))));
}

export function num(node) {
  return { cls: "num", node };
}

// Integer fen as CNY, exact: 3640000 -> "¥36,400.00".
export function cny(fen) {
  if (fen === null || fen === undefined) return "—";
  if (!Number.isSafeInteger(fen)) return String(fen);
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toLocaleString("en-US");
  return `${sign}¥${yuan}.${String(abs % 100).padStart(2, "0")}`;
}

// Basis points as a percentage: 7000 -> "70.00 %".
export function percentBp(bp) {
  if (bp === null || bp === undefined || !Number.isFinite(bp)) return "—";
  return `${(bp / 100).toFixed(2)} %`;
}

// A chain time (RFC 3339 UTC) in the chain's local zone, with UTC on hover.
export function when(iso, zone) {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const local = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone || DEFAULT_ZONE, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
  }).format(date);
  return el("time", { datetime: iso, title: `UTC ${iso}` }, local);
}

export function short(hash, n = 12) {
  if (!hash) return "—";
  return hash.length > n ? `${hash.slice(0, n)}…` : hash;
}

export function txLink(txId) {
  return el("a", { href: `/explorer/txs/${txId}`, class: "mono" }, short(txId));
}

export function blockLink(height) {
  return el("a", { href: `/explorer/blocks/${height}` }, String(height));
}

export function status(message, kind = "info") {
  const box = document.getElementById("status");
  box.replaceChildren(message ? el("p", { class: kind }, message) : "");
}

export function pretty(value) {
  return el("pre", {}, JSON.stringify(value, null, 2));
}

// The signed-in member, or null after pointing the reader to the sign-in page.
export async function session() {
  const current = await loadSession();
  const who = document.getElementById("who");
  if (!current) {
    who.replaceChildren("Not signed in. ", el("a", { href: "/sign-in" }, "Sign in"));
    status("Sign in with your key file to see the chain.", "info");
    return null;
  }
  who.textContent = `Signed in as ${current.member} (${current.role}, ${current.orgType} ${current.org})`;
  return current;
}

export function fail(err) {
  status(err && err.message ? err.message : String(err), "error");
}
