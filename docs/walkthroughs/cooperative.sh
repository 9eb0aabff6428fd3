#!/usr/bin/env bash
# The cooperative: its warehouse keeper records the intake of a lot of paddy and
# registers a warehouse receipt for it, co-signed by the collateral manager (custodian.cm) because the warehouse is
# the cooperative's own, and its manager pledges the receipt in a loan application
# to bank-a.
# Plain curl + openssl (see wire.sh); the same steps with the CLI are in cooperative.md.
#
#   agriledger network init net --template lishui && agriledger serve net &
#   docs/walkthroughs/cooperative.sh net
set -euo pipefail
NET=${1:?usage: cooperative.sh NET}
. "$(dirname "$0")/wire.sh"
MANAGER=${MANAGER:-coop-a.manager}
KEEPER=${KEEPER:-coop-a.keeper}
CM=${CM:-custodian.cm}
PILE=${PILE:-bay-$(date +%s)}  # one lot per pile: a fresh pile for each run
RECEIVED=$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)  # not after the block's time

# 1. The keeper records the intake: 20 t of coop-a's paddy, weighed and graded, went
#    onto pile $PILE. The contract names the lot (lot- and 24 hex digits of the tx).
submit "$KEEPER" warehouse_receipt record_intake \
    "{\"commodity\":\"paddy\",\"depositor\":\"coop-a\",\"grade\":\"2\",\"moisture_permille\":140,\"pile\":\"$PILE\",\"quantity\":20000,\"received_at\":\"$RECEIVED\",\"unit\":\"kg\",\"warehouse\":\"coop-a\"}"
LOT=lot-${TX_ID:0:24}
# 2. The keeper issues the receipt for the whole lot, valued at 52,000 CNY (5,200,000
#    fen); the collateral manager co-signs it, else the receipt of the cooperative's own
#    warehouse could not secure the cooperative's loan.
submit "$KEEPER" warehouse_receipt issue \
    "{\"lot_id\":\"$LOT\",\"quantity\":20000,\"shrinkage_bp\":50,\"storage_days\":300,\"storage_fee\":0,\"value\":5200000,\"warehouse\":\"coop-a\"}" \
    "$CM"
RECEIPT=wr-${TX_ID:0:24}  # a receipt's id is wr- and the first 24 hex digits of its issuing tx
get "$MANAGER" "/v1/views/warehouse_receipt/receipt?receipt_id=$RECEIPT"
# 3. The manager pledges it: a loan application to bank-a with the receipt as collateral.
submit "$MANAGER" warehouse_receipt apply \
    "{\"bank\":\"bank-a\",\"borrower\":\"coop-a\",\"receipt_ids\":[\"$RECEIPT\"]}"
LOAN=loan-${TX_ID:0:24}  # a loan's id: loan- and the first 24 hex digits of the application
echo "receipt $RECEIPT pledged in loan application $LOAN"
echo "next, the bank: docs/walkthroughs/bank.sh $NET $LOAN"
