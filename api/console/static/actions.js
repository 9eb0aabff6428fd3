// Any action of any enabled contract, as a form made from its argument JSON schema.
import { canonical, get, post, signTx, submit, txBody, txId } from "./ledger.js";
import { cny, el, fail, session, status, txLink } from "./ui.js";

const pick = document.getElementById("action-select");
const form = document.getElementById("action-form");
const doc = document.getElementById("action-doc");
const confirmBox = document.getElementById("confirm");
const confirmBody = document.getElementById("confirm-body");
const handover = document.getElementById("handover");
const outcome = document.getElementById("outcome");
let catalogue = [];
let pending = null; // {contract, action, tx} awaiting confirmation

function resolve(schema, root) {
  if (schema && schema.$ref) return resolve(root.$defs[schema.$ref.split("/").pop()], root);
  return schema;
}

// The field's kind: integer, string, enum, boolean, list (of strings/integers) or json.
function kindOf(schema, root) {
  let s = resolve(schema, root);
  let optional = false;
  if (s.anyOf) {
    const rest = s.anyOf.filter((x) => x.type !== "null");
    optional = rest.length < s.anyOf.length;
    s = rest.length === 1 ? resolve(rest[0], root) : { type: "json" };
  }
  let kind = "json";
  if (s.enum) kind = "enum";
  else if (s.type === "integer") kind = "integer";
  else if (s.type === "string") kind = "string";
  else if (s.type === "boolean") kind = "boolean";
  else if (s.type === "array" && s.items && ["string", "integer"].includes(resolve(s.items, root).type)) kind = "list";
  return { kind, optional, schema: s };
}

function isMoney(schema) {
  return /money in fen/.test(schema.description || "");
}

function fieldFor(name, prop, root, required, prefill) {
  const { kind, optional, schema } = kindOf(prop, root);
  const id = `arg-${name}`;
  const helpId = `${id}-help`;
  const must = required && !optional;
  const helpText = [schema.description || prop.description, kind === "list" ? "one per line" : "",
    kind === "json" ? "JSON" : "", must ? "required" : "optional"].filter(Boolean).join("; ");
  const common = { id, name, "aria-describedby": helpId, "data-kind": kind, required: must,
    "data-items": kind === "list" ? resolve(schema.items, root).type : null };
  let input;
  if (kind === "enum") {
    input = el("select", common, must ? null : el("option", { value: "" }, "—"),
      schema.enum.map((v) => el("option", { value: v }, String(v))));
  } else if (kind === "boolean") {
    input = el("input", { ...common, type: "checkbox", required: false });
  } else if (kind === "list" || kind === "json") {
    input = el("textarea", { ...common, rows: kind === "json" ? 4 : 3 });
  } else {
    input = el("input", { ...common, type: "text", inputmode: kind === "integer" ? "numeric" : null,
      autocomplete: "off" });
  }
  const value = prefill.get(name) ?? (prop.default !== undefined && prop.default !== null ? String(prop.default) : null);
  if (value !== null) {
    if (kind === "boolean") input.checked = value === "true";
    else if (kind === "list") input.value = value.split(",").join("\n");
    else input.value = value;
  }
  const extra = [];
  if (kind === "integer" && isMoney(schema)) {
    const out = el("output", { for: id, class: "money", "aria-live": "polite" });
    const show = () => { out.textContent = /^-?\d+$/.test(input.value.trim()) ? `= ${cny(Number(input.value.trim()))}` : ""; };
    input.addEventListener("input", show);
    show();
    extra.push(out);
  }
  return el("div", { class: "field" },
    el("label", { for: id }, prop.title || schema.title || name),
    input, ...extra, el("p", { id: helpId, class: "help" }, helpText));
}

function readField(input) {
  const kind = input.dataset.kind;
  const raw = kind === "boolean" ? input.checked : input.value.trim();
  if (kind === "boolean") return { value: raw };
  if (raw === "") return { empty: true };
  if (kind === "integer") {
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
      return { error: "must be a whole number (money in fen: 1 CNY = 100)" };
    }
    return { value: Number(raw) };
  }
  if (kind === "list") {
    const items = raw.split(/[\n,]/).map((x) => x.trim()).filter(Boolean);
    return { value: items.map((x) => (/^-?\d+$/.test(x) && input.dataset.items === "integer" ? Number(x) : x)) };
  }
  if (kind === "json") {
    try { return { value: JSON.parse(raw) }; } catch { return { error: "must be JSON" }; }
  }
  return { value: raw };
}

function current() {
  const [contract, action] = pick.value.split(".");
  const info = catalogue.find((c) => c.name === contract);
  return { contract, action, spec: info.actions.find((a) => a.name === action) };
}

function who(spec) {
  const parts = spec.parties.map((p) => `the ${p.party} organisation's ${p.roles.join(" or ")}`);
  const roles = spec.roles.map((r) => `${r.org_type === "*" ? "any" : r.org_type} ${r.role === "*" ? "member" : r.role}`);
  return [...parts, ...roles].join("; ") || "any member";
}

function render(prefill = new URLSearchParams()) {
  const { contract, action, spec } = current();
  const schema = spec.args_schema;
  const required = new Set(schema.required || []);
  doc.replaceChildren(el("p", {}, spec.doc || ""), el("p", { class: "help" }, `Who may sign: ${who(spec)}.`));
  form.replaceChildren(
    el("fieldset", {}, el("legend", {}, `${contract}.${action}`),
      Object.entries(schema.properties || {}).map(([name, prop]) =>
        fieldFor(name, prop, schema, required.has(name), prefill))),
    el("button", { type: "submit" }, "Review"));
  confirmBox.hidden = true;
  handover.hidden = true;
}

function collect() {
  const args = {};
  const errors = [];
  for (const input of form.querySelectorAll("[data-kind]")) {
    const got = readField(input);
    input.removeAttribute("aria-invalid");
    if (got.error) errors.push([input, `${input.name}: ${got.error}`]);
    else if (got.empty) {
      if (input.required) errors.push([input, `${input.name}: required`]);
    } else args[input.name] = got.value;
  }
  if (errors.length) {
    for (const [input] of errors) input.setAttribute("aria-invalid", "true");
    status(errors.map(([, m]) => m).join("; "), "error");
    errors[0][0].focus();
    return null;
  }
  return args;
}

function showResult(answer) {
  const result = answer.results ? answer.results[0] : null;
  const id = answer.tx_ids[0];
  if (!result) {
    outcome.replaceChildren(el("p", {}, "Accepted, not yet committed: ", txLink(id)));
  } else if (result.status === "committed") {
    outcome.replaceChildren(el("p", { class: "ok" }, `Committed in block ${result.height}: `, txLink(id)));
  } else {
    outcome.replaceChildren(el("p", { class: "error" }, `Rejected ${result.code}: ${result.message} `, txLink(id)));
  }
  outcome.dataset.txId = id;
  outcome.dataset.status = result ? result.status : "pending";
}

async function main() {
  const s = await session();
  if (!s) return;
  try {
    catalogue = (await get(s, "/v1/contracts")).contracts;
  } catch (err) {
    fail(err);
    return;
  }
  for (const c of catalogue) {
    pick.append(el("optgroup", { label: c.name },
      c.actions.map((a) => el("option", { value: `${c.name}.${a.name}` }, `${c.name}: ${a.name}`))));
  }
  const params = new URLSearchParams(location.search);
  const wanted = `${params.get("contract")}.${params.get("action")}`;
  if ([...pick.options].some((o) => o.value === wanted)) pick.value = wanted;
  params.delete("contract");
  params.delete("action");
  render(params);
  pick.addEventListener("change", () => render());

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const args = collect();
    if (!args) return;
    const { contract, action } = current();
    try {
      pending = txBody(s, contract, action, args);
      confirmBody.textContent = canonical(pending);
    } catch (err) {
      fail(err);
      return;
    }
    status("");
    outcome.replaceChildren();
    confirmBox.hidden = false;
    document.getElementById("confirm-h").focus();
  });
  document.getElementById("cancel").addEventListener("click", () => {
    pending = null;
    confirmBox.hidden = true;
    form.querySelector("input, select, textarea")?.focus();
  });
  document.getElementById("sign-submit").addEventListener("click", async () => {
    if (!pending) return;
    try {
      status("Signing and submitting…");
      const envelope = await signTx(s, pending);
      pending = null;
      confirmBox.hidden = true;
      showResult(await submit(envelope));
      status("");
    } catch (err) {
      fail(err);
    }
  });
  document.getElementById("sign-handover").addEventListener("click", async () => {
    if (!pending) return;
    try {
      const envelope = await signTx(s, pending);
      const out = document.getElementById("envelope-out");
      out.value = JSON.stringify(envelope);
      out.dataset.txId = await txId(pending);
      pending = null;
      confirmBox.hidden = true;
      handover.hidden = false;
      document.getElementById("handover-h").focus();
    } catch (err) {
      fail(err);
    }
  });
  document.getElementById("send-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const sent = document.getElementById("sent");
    try {
      const coSigners = document.getElementById("co-signers").value.split("\n")
        .map((m) => m.trim()).filter(Boolean);
      const envelope = JSON.parse(document.getElementById("envelope-out").value);
      const entry = await post(s, "/v1/inbox", { co_signers: coSigners, envelope });
      sent.textContent = `In the inboxes of ${entry.awaiting.join(", ")}: tx ${entry.tx_id.slice(0, 12)}…`;
      sent.dataset.txId = entry.tx_id;
    } catch (err) {
      sent.textContent = err.message;
      document.getElementById("co-signers").focus();
    }
  });
}

main();
