// "My work": the signed-in member's organisation's view, picked by its type.
import { records, view } from "./ledger.js";
import { cny, el, fail, num, percentBp, session, short, status, table, when } from "./ui.js";

const root = document.getElementById("view");

function actionLink(contract, action, args, label) {
  const q = new URLSearchParams({ contract, action, ...args });
  return el("a", { href: `/actions?${q}` }, label);
}

function section(title, ...content) {
  const id = `h-${title.toLowerCase().replace(/[^a-z]+/g, "-")}`;
  return el("section", { "aria-labelledby": id }, el("h2", { id }, title), ...content);
}

// The pledge loans this member may read (the peer filters by need to know), kept by `matches`.
async function pledgeLoans(s, matches) {
  return (await records(s, "warehouse_receipt", "loan/")).filter(matches);
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

async function cooperative(s) {
  const receipts = (await view(s, "warehouse_receipt", "receipts_by_holder", { holder: s.org })) || [];
  const loans = await pledgeLoans(s, (l) => l.borrower === s.org);
  const orders = (await view(s, "order_finance", "orders_by_seller", { seller: s.org })) || [];
  const claims = await claimList(s);
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

async function bank(s) {
  const loans = await pledgeLoans(s, (l) => l.bank === s.org);
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

// Claims this member may read: the heads from the list view, each with its households
// from the claim view (one read per claim, not per block).
async function claimList(s) {
  const claims = [];
  for (const head of await records(s, "claims", "claim/")) {
    const claim = await view(s, "claims", "claim", { claim_id: head.id });
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

function overdueTable(s, overdue) {
  return table("Overdue", ["claim", "insured", "what", "was due"], overdue.map((o) =>
    [el("span", { class: "mono" }, o.claim_id), o.insured || "—", o.kind, when(o.due, s.zone)]));
}

async function insurer(s) {
  const claims = await claimList(s);
  const overdue = (await view(s, "claims", "overdue")) || [];
  return [
    await balance(s),
    section("Claims queue", claimsTable(s, claims)),
    section("Overdue", overdueTable(s, overdue)),
  ];
}

async function government(s) {
  const declarations = await records(s, "claims", "declaration/");
  const budgets = await records(s, "claims", "programme/");
  const subsidies = await records(s, "credit", "programme/");
  const villages = await records(s, "credit", "village/");
  const disputes = await records(s, "disputes", "dispute/");
  return [
    section("Disaster declarations", table("Declarations",
      ["declaration", "peril", "region", "struck", "severity", "declared"],
      declarations.map((d) => [el("span", { class: "mono" }, d.id), d.peril, d.region,
        el("span", {}, when(d.window_start, s.zone), " to ", when(d.window_end, s.zone)),
        num(String(d.severity)), el("span", {}, when(d.declared_at, s.zone), ` by ${d.declared_by}`)]))),
    section("Insurance budgets", table("Premium and loss-share budgets",
      ["programme", "level", "purpose", "year", "budget", "used", "left"],
      budgets.map((p) => [el("span", { class: "mono" }, p.id), p.level, p.purpose,
        num(String(p.fiscal_year)), num(cny(p.budget)), num(cny(p.spent)),
        num(cny(p.budget - p.spent))]))),
    section("Interest subsidies", table("Subsidy programmes",
      ["programme", "name", "budget", "funded", "paid", "payments", "open"],
      subsidies.map((p) => [el("span", { class: "mono" }, p.id), p.name, num(cny(p.budget)),
        num(cny(p.funded)), num(cny(p.paid)), num(String(p.payments)), p.open ? "open" : "closed"]))),
    section("Village credit ratings", table("Villages",
      ["village", "name", "households", "rated good", "defaults", "credit village"],
      villages.map((v) => [el("span", { class: "mono" }, v.id), v.name, num(String(v.households)),
        num(String(v.good)), num(String(v.defaults)), v.credit_village ? "yes" : "no"]))),
    section("Disputes", table("Disputes",
      ["dispute", "asset", "claimant", "respondent", "state", "claimed", "deadline"],
      disputes.map((d) => [el("span", { class: "mono" }, d.id), d.asset, d.claimant, d.respondent,
        d.state, num(cny(d.claimed)), when(d.deadline, s.zone)]))),
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
    const parts = make ? await make(s)
      : [await balance(s), el("p", {}, `No view of its own for a ${s.orgType} yet: use Actions and the Explorer.`)];
    root.replaceChildren(el("p", { class: "help" }, `${s.orgType} view of ${s.org}`), ...parts);
    status("");
  } catch (err) {
    fail(err);
  }
}

main();
