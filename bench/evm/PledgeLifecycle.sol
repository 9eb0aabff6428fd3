// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.26;

/// The warehouse-receipt pledge lifecycle of agriledger's benchmark as one contract, to run
/// the same work on an EVM: a keeper registers a receipt, its owner pledges it to a bank at
/// no more than 70 % loan-to-value, the bank disburses, the owner repays, the bank releases
/// the receipt. Money is an internal balance in fen, as on agriledger.
contract PledgeLifecycle {
    enum State { None, Registered, Pledged, Disbursed, Repaid }

    struct Receipt {
        address owner;
        address bank;
        uint64 value;
        uint64 principal;
        State state;
    }

    uint256 public constant LTV_CAP_BP = 7000;
    mapping(bytes32 => Receipt) public receipts;
    mapping(address => uint256) public balances;

    event Registered(bytes32 indexed id, address owner, uint64 value);
    event Pledged(bytes32 indexed id, address bank, uint64 principal);
    event Disbursed(bytes32 indexed id, uint64 principal);
    event Repaid(bytes32 indexed id, uint64 principal);
    event Released(bytes32 indexed id);

    function fund(address account, uint256 amount) external {
        balances[account] += amount;
    }

    function register(bytes32 id, address owner, uint64 value) external {
        require(receipts[id].state == State.None, "receipt exists");
        require(value > 0, "value must be above 0");
        receipts[id] = Receipt(owner, address(0), value, 0, State.Registered);
        emit Registered(id, owner, value);
    }

    function pledge(bytes32 id, address bank, uint64 principal) external {
        Receipt storage r = receipts[id];
        require(r.owner == msg.sender, "only the owner pledges");
        require(r.state == State.Registered, "receipt is not free (no double pledge)");
        require(uint256(principal) * 10_000 <= uint256(r.value) * LTV_CAP_BP, "above 70% LTV");
        r.bank = bank;
        r.principal = principal;
        r.state = State.Pledged;
        emit Pledged(id, bank, principal);
    }

    function disburse(bytes32 id) external {
        Receipt storage r = receipts[id];
        require(msg.sender == r.bank, "only the pledgee disburses");
        require(r.state == State.Pledged, "not pledged");
        require(balances[r.bank] >= r.principal, "bank balance too low");
        balances[r.bank] -= r.principal;
        balances[r.owner] += r.principal;
        r.state = State.Disbursed;
        emit Disbursed(id, r.principal);
    }

    function repay(bytes32 id) external {
        Receipt storage r = receipts[id];
        require(msg.sender == r.owner, "only the borrower repays");
        require(r.state == State.Disbursed, "nothing to repay");
        require(balances[msg.sender] >= r.principal, "balance too low");
        balances[msg.sender] -= r.principal;
        balances[r.bank] += r.principal;
        r.state = State.Repaid;
        emit Repaid(id, r.principal);
    }

    function release(bytes32 id) external {
        Receipt storage r = receipts[id];
        require(msg.sender == r.bank, "only the pledgee releases");
        require(r.state == State.Repaid, "loan not repaid");
        r.bank = address(0);
        r.principal = 0;
        r.state = State.Registered;
        emit Released(id);
    }
}
