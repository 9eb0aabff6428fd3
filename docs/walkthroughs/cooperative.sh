#!/usr/bin/env bash
# The cooperative: its warehouse keeper registers a warehouse receipt for a lot of
# paddy, co-signed by the collateral manager (custodian.cm) because the warehouse is
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
LOT=${LOT:-paddy-$(date +%s)}

# 1. The manager declares the deposit: 20 t of paddy into the cooperative's warehouse.
submit "$MANAGER" warehouse_receipt declare_deposit \
    "{\"commodity\":\"paddy\",\"depositor\":\"coop-a\",\"lot_id\":\"$LOT\",\"quantity\":20000,\"unit\":\"kg\",\"warehouse\":\"coop-a\"}"
# 2. The keeper weighs and grades it, and names the pile it went into (one lot per pile).
submit "$KEEPER" warehouse_receipt inspect_and_grade \
    "{\"grade\":\"2\",\"location\":\"$LOT bay\",\"lot_id\":\"$LOT\",\"moisture_permille\":140,\"quantity\":20000,\"warehouse\":\"coop-a\"}"
# 3. The keeper issues the receipt, valued at 52,000 CNY (5,200,000 fen); the collateral
#    manager co-signs it, else the receipt of the cooperative's own warehouse could not
#    secure the cooperative's loan.
submit "$KEEPER" warehouse_receipt issue \
    "{\"location\":\"$LOT bay\",\"lot_id\":\"$LOT\",\"quantity\":20000,\"shrinkage_bp\":50,\"storage_days\":300,\"storage_fee\":0,\"value\":5200000,\"warehouse\":\"coop-a\"}" \
    "$CM"
RECEIPT=wr-${TX_ID:0:24}  # a receipt's id is wr- and the first 24 hex digits of its issuing tx
get "$MANAGER" "/v1/views/warehouse_receipt/receipt?receipt_id=$RECEIPT"
# 4. The manager pledges it: a loan application to bank-a with the receipt as collateral.
submit "$MANAGER" warehouse_receipt apply \
    "{\"bank\":\"bank-a\",\"borrower\":\"coop-a\",\"receipt_ids\":[\"$RECEIPT\"]}"
LOAN=loan-${TX_ID:0:24}  # a loan's id: loan- and the first 24 hex digits of the application
echo "receipt $RECEIPT pledged in loan application $LOAN"
echo "next, the bank: docs/walkthroughs/bank.sh $NET $LOAN"
