// Drive PledgeLifecycle.sol on Hardhat's in-process network (automine, one tx in flight):
// N lifecycles of register, pledge (<= 70 % LTV), disburse, repay, release; prints tx/s
// and p50/p99 latency per tx, and checks a pledge above the cap and a double pledge fail.
//   cd <dir with hardhat, solc, ethers installed> && node run.js [lifecycles]
const fs = require("fs");
const path = require("path");
const solc = require("solc");
const { Interface, id: keccak } = require("ethers");
const hre = require("hardhat");

function compile() {
  const source = fs.readFileSync(path.join(__dirname, "PledgeLifecycle.sol"), "utf8");
  const input = {
    language: "Solidity",
    sources: { "PledgeLifecycle.sol": { content: source } },
    settings: { optimizer: { enabled: true, runs: 200 },
                outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  for (const e of output.errors || []) if (e.severity === "error") throw new Error(e.formattedMessage);
  const c = output.contracts["PledgeLifecycle.sol"].PledgeLifecycle;
  return { abi: c.abi, bytecode: "0x" + c.evm.bytecode.object };
}

async function main() {
  const lifecycles = Number(process.argv[2] || 400);
  const provider = hre.network.provider;
  const { abi, bytecode } = compile();
  const iface = new Interface(abi);
  const [keeper, owner, bank] = await provider.request({ method: "eth_accounts" });
  const send = async (from, to, data) => {
    const hash = await provider.request({ method: "eth_sendTransaction",
                                          params: [{ from, to, data, gas: "0x100000" }] });
    const receipt = await provider.request({ method: "eth_getTransactionReceipt", params: [hash] });
    return receipt;
  };
  const deployed = await send(keeper, undefined, bytecode);
  const at = deployed.contractAddress;
  const call = (from, fn, args) => send(from, at, iface.encodeFunctionData(fn, args));
  await call(keeper, "fund", [bank, 10n ** 15n]);
  // the rules hold: one fen above the cap, a second pledge and a disbursement by someone
  // other than the pledgee are each refused with the contract's own reason
  const refused = async (what, from, fn, args, reason) => {
    let error = null;
    try { await call(from, fn, args); } catch (e) { error = e; }
    if (error === null) throw new Error(`${what}: accepted`);
    if (!String(error.message).includes(reason)) throw new Error(`${what}: ${error.message}`);
  };
  const probe = keccak("probe");
  await call(keeper, "register", [probe, owner, 1_000_000]);
  await refused("one fen above 70 %", owner, "pledge", [probe, bank, 700_001], "above 70% LTV");
  await call(owner, "pledge", [probe, bank, 700_000]);
  await refused("double pledge", owner, "pledge", [probe, bank, 1], "receipt is not free");
  await refused("disbursed by the owner", owner, "disburse", [probe], "only the pledgee");

  const latencies = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < lifecycles; i++) {
    const rid = keccak(`receipt-${i}`);
    const value = 3_000_000 + i;
    const principal = Math.floor(value * 7000 / 10000);
    for (const [from, fn, args] of [
      [keeper, "register", [rid, owner, value]],
      [owner, "pledge", [rid, bank, principal]],
      [bank, "disburse", [rid]],
      [owner, "repay", [rid]],
      [bank, "release", [rid]],
    ]) {
      const t = process.hrtime.bigint();
      const receipt = await call(from, fn, args);
      if (receipt.status !== "0x1") throw new Error(`${fn} failed`);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const pct = (q) => latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)];
  console.log(JSON.stringify({
    hardhat: require("hardhat/package.json").version, solc: solc.version(),
    lifecycles, txs: latencies.length, seconds: +seconds.toFixed(3),
    tx_per_s: +(latencies.length / seconds).toFixed(1),
    p50_ms: +pct(0.5).toFixed(2), p99_ms: +pct(0.99).toFixed(2),
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
