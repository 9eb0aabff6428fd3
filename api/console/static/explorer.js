// The chain explorer: head, peers, recent blocks, live events; one block; one tx.
import { ApiError, canonical, follow, get, signedRequest } from "./ledger.js";
import { blockLink, el, fail, num, pretty, session, short, status, table, txLink, when } from "./ui.js";

const RECENT = 10;

function txRow(s, height, index, envelope, result) {
  return [num(String(index)), txLink(result.tx_id), `${envelope.tx.contract}.${envelope.tx.action}`,
    envelope.tx.signer, result.status, result.code ? `${result.code}: ${result.message || ""}` : ""];
}

async function overview(s) {
  const head = await get(s, "/v1/blocks/head");
  const h = head.header;
  document.getElementById("head").replaceChildren(el("dl", {},
    el("dt", {}, "height"), el("dd", {}, blockLink(h.height)),
    el("dt", {}, "hash"), el("dd", { class: "mono" }, head.hash),
    el("dt", {}, "time"), el("dd", {}, when(h.time, s.zone))));
  const rows = [];
  for (let height = h.height; height >= Math.max(0, h.height - RECENT + 1); height--) {
    const block = await get(s, `/v1/blocks/${height}`);
    rows.push([blockLink(height), when(block.header.time, s.zone), num(String(block.txs.length)),
      el("span", { class: "mono" }, short(block.hash))]);
  }
  document.getElementById("blocks").replaceChildren(
    table("Recent blocks", ["height", "time", "txs", "hash"], rows));
  await peers();
}

async function peers() {
  const { peers: list } = await (await fetch("/console/peers", { cache: "no-store" })).json();
  const byHeight = new Map();
  for (const p of list) {
    if (!byHeight.has(p.height)) byHeight.set(p.height, new Set());
    byHeight.get(p.height).add(p.head_hash);
  }
  const top = Math.max(...list.map((p) => p.height));
  document.getElementById("peers").replaceChildren(table("Peers", ["peer", "height", "head", "flag"],
    list.map((p) => [p.url ? el("a", { href: `${p.url}/explorer` }, p.peer) : p.peer,
      num(String(p.height)), el("span", { class: "mono" }, short(p.head_hash)),
      byHeight.get(p.height).size > 1 ? el("strong", { class: "error" }, "DIVERGED: another peer has a different block at this height")
        : p.height < top ? `behind by ${top - p.height}` : "in step"])));
}

// The orderer's block clock; on a development chain a form to move it forward (the
// POST is signed like every read; the peer checks the signer's role, nodes/dev_clock.py).
async function clock(s) {
  const box = document.getElementById("clock");
  const said = document.getElementById("clock-status");
  let reading;
  try {
    reading = await get(s, "/v1/clock");
  } catch (err) {
    box.replaceChildren(el("p", {}, err.message));
    return;
  }
  if (!reading.dev_chain) {
    box.replaceChildren(el("p", {}, "A production chain: block time is the orderer's wall clock, ",
      when(reading.now, s.zone), "."));
    return;
  }
  const input = el("input", { id: "clock-by", name: "by", type: "text", autocomplete: "off",
    "aria-describedby": "clock-by-help", required: true });
  const form = el("form", {},
    el("div", { class: "field" }, el("label", { for: "clock-by" }, "Move forward by"), input,
      el("p", { id: "clock-by-help", class: "help" },
        "a whole number and a unit s, m, h, d or w, such as 3d; time only moves forward")),
    el("button", { type: "submit" }, "Move the clock"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const by = input.value.trim();
    try {
      const response = await signedRequest(s, "POST", "/v1/clock/advance", canonical({ by }));
      const body = await response.json();
      if (!response.ok) throw new ApiError(response.status, body);
      said.textContent = `Clock moved forward by ${by}: offset now ${body.offset}.`;
      await clock(s);
    } catch (err) {
      said.textContent = err.message;
      input.focus();
    }
  });
  box.replaceChildren(el("p", {}, "A development chain: a block cut now carries ",
    when(reading.now, s.zone), ` (offset ${reading.offset}).`), form);
}

function live(s) {
  const list = document.getElementById("live");
  follow(s, (event, data) => {
    if (event === "tx") {
      list.prepend(el("li", {}, blockLink(data.height), " ", txLink(data.tx_id), ` ${data.contract}.${data.action} by ${data.signer}: ${data.status}`));
      while (list.children.length > 20) list.lastChild.remove();
    } else if (event === "block") {
      overview(s).catch(fail);
    }
  }).catch(fail);
}

async function blockPage(s, node) {
  const height = Number(node.dataset.height);
  let block;
  try {
    block = await get(s, `/v1/blocks/${height}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      node.replaceChildren(el("p", {}, `No block at height ${height} on this peer.`));
      return;
    }
    throw err;
  }
  const h = block.header;
  node.replaceChildren(
    el("dl", {},
      el("dt", {}, "hash"), el("dd", { class: "mono" }, block.hash),
      el("dt", {}, "time"), el("dd", {}, when(h.time, s.zone)),
      el("dt", {}, "previous"), el("dd", {}, height > 0 ? blockLink(height - 1) : "genesis"),
      el("dt", {}, "header"), el("dd", {}, pretty(h))),
    table(`Transactions in block ${height}`, ["#", "tx", "action", "signer", "status", "code"],
      block.txs.map(({ envelope, result }, i) => txRow(s, height, i, envelope, result))));
}

async function txPage(s, node) {
  const id = node.dataset.txId;
  let state;
  try {
    state = await get(s, `/v1/transactions/${id}`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      node.replaceChildren(el("p", {}, "This peer does not know this transaction."));
      return;
    }
    throw err;
  }
  if (state.height === null || state.height === undefined) {
    node.replaceChildren(el("p", {}, `Status: ${state.status} ${state.code || ""} ${state.message || ""}`));
    return;
  }
  const block = await get(s, `/v1/blocks/${state.height}`);
  const { envelope, result } = block.txs[state.index];
  node.replaceChildren(
    el("dl", {},
      el("dt", {}, "tx id"), el("dd", { class: "mono" }, id),
      el("dt", {}, "block"), el("dd", {}, blockLink(state.height), ` (index ${state.index}, `, when(block.header.time, s.zone), ")"),
      el("dt", {}, "action"), el("dd", {}, `${envelope.tx.contract}.${envelope.tx.action}`),
      el("dt", {}, "status"), el("dd", {}, result.status, result.code ? ` ${result.code}: ${result.message}` : "")),
    el("h2", {}, "Signers"),
    el("ul", {}, envelope.signatures.map((sig) => el("li", {}, sig.signer))),
    el("h2", {}, "Body"), pretty(envelope.tx),
    el("h2", {}, "Events"),
    (result.events || []).length ? pretty(result.events) : el("p", {}, "None."));
}

async function main() {
  const s = await session();
  if (!s) return;
  try {
    const blockNode = document.getElementById("block");
    const txNode = document.getElementById("tx");
    if (blockNode) await blockPage(s, blockNode);
    else if (txNode) await txPage(s, txNode);
    else {
      await overview(s);
      await clock(s);
      live(s);
    }
    status("");
  } catch (err) {
    fail(err);
  }
}

main();
