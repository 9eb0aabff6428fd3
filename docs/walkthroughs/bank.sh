#!/usr/bin/env bash
# The bank: its loan officer approves a warehouse-receipt pledge loan and disburses it;
# the cooperative repays and the receipt is released. Run after cooperative.sh, which
# prints the loan id. Plain curl + openssl (see wire.sh); the CLI version is bank.md.
#
#   docs/walkthroughs/bank.sh net loan-0123456789abcdef01234567
set -euo pipefail
NET=${1:?usage: bank.sh NET LOAN_ID}
LOAN=${2:?usage: bank.sh NET LOAN_ID}
. "$(dirname "$0")/wire.sh"
OFFICER=${OFFICER:-bank-a.officer}
MANAGER=${MANAGER:-coop-a.manager}
PBOC=${PBOC:-gov.pboc}

# 0. (The central bank) gives bank-a money to lend: 10 m CNY.
submit "$PBOC" settlement issue '{"account":"bank-a","amount":1000000000}'
# 1. The officer reads the application and its collateral.
get "$OFFICER" "/v1/views/warehouse_receipt/loan?loan_id=$LOAN"
# 2. Approves 36,400 CNY (70 % of the receipt's value, the LTV cap) for 120 days at 4.5 %.
submit "$OFFICER" warehouse_receipt approve \
    "{\"loan_id\":\"$LOAN\",\"principal\":3640000,\"rate_bp\":450,\"tenor_days\":120}"
# 3. Disburses it: the lien on the receipt is filed and the money goes to coop-a.
submit "$OFFICER" warehouse_receipt disburse "{\"loan_id\":\"$LOAN\"}"
get "$OFFICER" "/v1/views/warehouse_receipt/outstanding_debt?loan_id=$LOAN"
# 4. (The cooperative's manager) repays the whole debt; the lien is released.
submit "$MANAGER" warehouse_receipt repay "{\"loan_id\":\"$LOAN\"}"
get "$OFFICER" "/v1/views/warehouse_receipt/loan?loan_id=$LOAN"
