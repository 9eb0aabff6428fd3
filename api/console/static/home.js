// "My work": the signed-in member's organisation's view, picked by its type.
import { blocks, get, view } from "./ledger.js";
import { cny, el, fail, num, percentBp, session, short, status, table, txLink, when } from "./ui.js";

const root = document.getElementById("view");

function actionLink(contract, action, args, label) {
  const q = new URLSearchParams({ contract, action, ...args });
  return el("a", { href: `/actions?${q}` }, label);
}

function section(title, ...content) {
  const id = `h-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return el("section", { "aria-labelledby": id }, el("h2", { id }, title), ...content);
}

// What the chain (as this member may read it) holds: every committed tx and its events.
async function scan(s) {
  const found = [];
  for await (const block of blocks(s, 1)) {
    for (const { envelope, result } of block.txs) {
      if (result.status === "committed") found.push({ envelope, result, block });
    }
  }
  return found;
}

// Ids named in the events a contract emitted ({contract, type, data}), first seen first.
function idsFrom(txs, contract, field) {
  const ids = new Set();
  for (const { result } of txs) {
    for (const ev of result.events || []) {
      if (ev.contract === contract && ev.data && ev.data[field]) ids.add(ev.data[field]);
    }
  }
  return [...ids];
}

async function pledgeLoans(s, txs, matches) {
  const loans = [];
  for (const id of idsFrom(txs, "warehouse_receipt", "loan_id")) {
    const loan = await view(s, "warehouse_receipt", "loan", { loan_id: id });
    if (loan && matches(loan)) loans.push(loan);
  }
  return loans;
}

async function collateralValue(s, loan) {
  let total = 0;
  for (const id of loan.receipts) {
    const receipt = await view(s, "warehouse_receipt", "receipt", { receipt_id: id });
    if (receipt) total += receipt.value;
  }
  return total;
}

async function balance(s) {
  const value = await view(s, "settlement", "balance", { account: s.org });
  return el("p", {}, `Settlement account ${s.org}: `,
    el("strong", {}, cny(value && typeof value === "object" ? value.balance : value)));
}

async function cooperative(s, txs) {
  const receipts = (await view(s, "warehouse_receipt", "receipts_by_holder", { holder: s.org })) || [];
  const loans = await pledgeLoans(s, txs, (l) => l.borrower === s.org);
  const orders = (await view(s, "order_finance", "orders_by_seller", { seller: s.org })) || [];
  const claims = await claimList(s, txs);
  return [
    await balance(s),
    section("Warehouse receipts", table("Receipts held", ["receipt", "commodity", "quantity", "value", "state", ""],
      receipts.map((r) => [el("span", { class: "mono" }, r.receipt_id), `${r.commodity} grade ${r.grade}`,
        num(`${r.quantity.toLocaleString("en-US")} ${r.unit}`), num(cny(r.value)), r.state,
        r.state === "ACTIVE" ? actionLink("warehouse_receipt", "apply",
          { borrower: s.org, receipt_ids: r.receipt_id }, `Pledge ${short(r.receipt_id, 10)}`) : ""]))),
    section("Pledges (loans on receipts)", table("Pledge loans", ["loan", "bank", "receipts", "principal", "debt", "state"],
      loans.map((l) => [el("span", { class: "mono" }, l.loan_id), l.bank, l.receipts.join(", "),
        num(cny(l.principal)), num(cny(l.debt)), l.state]))),
    section("Orders", table("Orders as seller", ["order", "buyer", "value", "state"],
      orders.map((o) => [el("span", { class: "mono" }, o.order_id || o.id), o.buyer,
        num(cny(o.value ?? o.amount)), o.state]))),
    section("Claims of its households", claimsTable(s, claims)),
  ];
}

async function bank(s, txs) {
  const loans = await pledgeLoans(s, txs, (l) => l.bank === s.org);
  const rows = [];
  const applications = [];
  for (const l of loans) {
    const value = await collateralValue(s, l);
    const out = l.principal_outstanding || l.principal;
    const ltv = value ? Math.floor((out * 10000) / value) : null;
    const row = [el("span", { class: "mono" }, l.loan_id), l.borrower, num(cny(value)),
      num(cny(l.principal)), num(cny(l.debt)), num(percentBp(ltv)), l.state,
      l.cure_deadline ? when(l.cure_deadline, s.zone) : "—"];
    rows.push(row);
    if (l.state === "APPLIED") {
      applications.push([el("span", { class: "mono" }, l.loan_id), l.borrower, num(cny(value)),
        when(l.applied_at, s.zone),
        actionLink("warehouse_receipt", "approve", { loan_id: l.loan_id }, `Approve ${short(l.loan_id, 10)}`)]);
    } else if (l.state === "APPROVED") {
      applications.push([el("span", { class: "mono" }, l.loan_id), l.borrower, num(cny(value)),
        when(l.applied_at, s.zone),
        actionLink("warehouse_receipt", "disburse", { loan_id: l.loan_id }, `Disburse ${short(l.loan_id, 10)}`)]);
    }
  }
  return [
    await balance(s),
    section("Applications to decide", table("Applications", ["loan", "borrower", "collateral", "applied", "next step"],
      applications)),
    section("Loan book", table("Pledge loans", ["loan", "borrower", "collateral", "principal", "debt", "LTV", "state", "cure by"],
      rows)),
  ];
}

async function claimList(s, txs) {
  const claims = [];
  for (const id of idsFrom(txs, "claims", "claim_id")) {
    const claim = await view(s, "claims", "claim", { claim_id: id });
    if (claim) claims.push(claim);
  }
  return claims;
}

// The next step on a claim the signed-in member's role may take, as a prefilled form link.
function claimStep(s, c) {
  const households = Object.entries(c.households || {});
  const link = (action, args, label) => actionLink("claims", action, { claim_id: c.id, ...args },
    `${label} ${short(c.id, 14)}`);
  if (s.role === "adjuster") {
    if (c.state === "REPORTED") return link("survey", {}, "Survey");
    if (c.state === "SURVEYED" || c.state === "ASSESSED") return link("assess_household", {}, "Assess");
  }
  if (s.role === "claims_manager") {
    if (c.state === "VERIFIED") return link("publicise_claim", {}, "Post");
    const agreed = households.find(([, h]) => h.state === "AGREED");
    if (agreed) return link("pay", { insured: agreed[0] }, "Pay");
  }
  if (s.role === "farmer" && c.state === "PUBLICISED") {
    const mine = c.households && c.households[s.member];
    if (mine && mine.state === "ASSESSED") return link("sign_agreement", { insured: s.member }, "Agree");
  }
  return "";
}

function householdsCell(c) {
  const list = Object.entries(c.households || {});
  if (!list.length) return "—";
  return el("ul", { class: "plain" }, list.map(([insured, h]) =>
    el("li", {}, `${insured}: ${h.state} ${cny(h.amount)}${h.paid ? `, paid ${cny(h.paid)}` : ""}`)));
}

function claimsTable(s, claims) {
  return table("Claims", ["claim", "peril", "state", "households", "reported", "survey due (24 h)",
    "publicity ends", "payment due (10 days)", "next step"],
    claims.map((c) => {
      const dues = Object.values(c.households || {}).map((h) => h.pay_due).filter(Boolean).sort();
      return [el("span", { class: "mono" }, c.id), c.peril, c.state, householdsCell(c),
        when(c.reported_at, s.zone),
        c.surveyed_at ? el("span", {}, "surveyed ", when(c.surveyed_at, s.zone)) : when(c.survey_due, s.zone),
        when(c.publicity_ends, s.zone), dues.length ? when(dues[0], s.zone) : "—", claimStep(s, c)];
    }));
}

async function insurer(s, txs) {
  const claims = await claimList(s, txs);
  const overdue = (await view(s, "claims", "overdue")) || [];
  return [
    await balance(s),
    section("Claims queue", claimsTable(s, claims)),
    section("Overdue", el("pre", {}, JSON.stringify(overdue, null, 2))),
  ];
}

async function government(s, txs) {
  const declarations = [];
  for (const { envelope, result, block } of txs) {
    if (envelope.tx.contract === "claims" && envelope.tx.action.includes("declar")) {
      declarations.push([txLink(result.tx_id), envelope.tx.args.peril || "—",
        envelope.tx.args.region || "—", when(block.header.time, s.zone)]);
    }
  }
  const programmes = (await view(s, "credit", "programmes")) || [];
  const debts = (await view(s, "disputes", "judgment_debts")) || [];
  return [
    section("Disaster declarations", table("Declarations", ["tx", "peril", "region", "declared"], declarations)),
    section("Programmes and budgets", el("pre", {}, JSON.stringify(programmes, null, 2))),
    section("Judgment debts", el("pre", {}, JSON.stringify(debts, null, 2))),
  ];
}

const VIEWS = { cooperative, bank, insurer, government };

async function main() {
  const s = await session();
  if (!s) {
    root.replaceChildren(el("p", {}, el("a", { href: "/sign-in" }, "Sign in"), " to see your work."));
    return;
  }
  const make = VIEWS[s.orgType];
  try {
    const txs = await scan(s);
    const parts = make ? await make(s, txs)
      : [await balance(s), el("p", {}, `No view of its own for a ${s.orgType} yet: use Actions and the Explorer.`)];
    root.replaceChildren(el("p", { class: "help" }, `${s.orgType} view of ${s.org}`), ...parts);
    status("");
  } catch (err) {
    fail(err);
  }
}

main();
