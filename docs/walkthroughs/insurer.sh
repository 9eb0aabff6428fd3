#!/usr/bin/env bash
# The insurer: after a typhoon, its loss adjuster surveys the fields and assesses the
# farmer's loss; its claims manager posts the settlement list and pays. Run after
# government.sh, which prints the policy and declaration ids. Plain curl + openssl
# (see wire.sh); the CLI version is insurer.md.
#
#   docs/walkthroughs/insurer.sh net rice-1767225600 typhoon-1767225600
set -euo pipefail
NET=${1:?usage: insurer.sh NET POLICY_ID DECLARATION_ID}
POLICY=${2:?usage: insurer.sh NET POLICY_ID DECLARATION_ID}
DECLARATION=${3:?usage: insurer.sh NET POLICY_ID DECLARATION_ID}
. "$(dirname "$0")/wire.sh"
ADJUSTER=${ADJUSTER:-insurer.adjuster}
CLAIMS=${CLAIMS:-insurer.claims}
MANAGER=${MANAGER:-coop-a.manager}
AGRI=${AGRI:-gov.agri}
FARMER=${FARMER:-coop-a.farmer-1}
CLAIM=${CLAIM:-claim-$DECLARATION}
EVIDENCE=$(printf '%s' "$CLAIM" | openssl dgst -sha256 -r | cut -c 1-64)

# 0. (The cooperative) reports the loss under the declared disaster, dated when the
#    declaration says the typhoon struck.
STRUCK=$(get "$MANAGER" "/v1/state/claims/declaration/$DECLARATION" \
    | sed -n 's/.*"window_end":"\([^"]*\)".*/\1/p')
submit "$MANAGER" claims report_loss \
    "{\"claim_id\":\"$CLAIM\",\"declaration_id\":\"$DECLARATION\",\"occurred_at\":\"$STRUCK\",\"peril\":\"typhoon\",\"policy_id\":\"$POLICY\"}"
# 1. The adjuster surveys the site (within 24 hours), recording the hash of the photos.
submit "$ADJUSTER" claims survey "{\"claim_id\":\"$CLAIM\",\"evidence\":[\"$EVIDENCE\"]}"
# 2. Assesses the household: half the crop lost on all 10 mu, at tillering.
EVIDENCE=$(printf '%s' "$CLAIM/$FARMER" | openssl dgst -sha256 -r | cut -c 1-64)
submit "$ADJUSTER" claims assess_household \
    "{\"claim_id\":\"$CLAIM\",\"damaged_area\":1000,\"evidence\":[\"$EVIDENCE\"],\"insured\":\"$FARMER\",\"loss_bp\":5000,\"stage\":\"tillering\"}"
# 3. (The agriculture bureau, co-signed by the cooperative) verifies the assessment.
submit "$AGRI" claims verify "{\"claim_id\":\"$CLAIM\"}" "$MANAGER"
# 4. The claims manager posts the settlement list in the village, for 3 days (moved
#    past on a development chain).
submit "$CLAIMS" claims publicise_claim "{\"claim_id\":\"$CLAIM\"}"
pass_days 3
# 5. (The farmer) signs the settlement agreement; the claims manager pays into the
#    farmer's own account: 10 mu x 500 CNY x 80 % tillering cap x 50 % loss = 2,000 CNY.
submit "$FARMER" claims sign_agreement "{\"claim_id\":\"$CLAIM\",\"insured\":\"$FARMER\"}"
submit "$CLAIMS" claims pay "{\"claim_id\":\"$CLAIM\",\"insured\":\"$FARMER\"}"
get "$CLAIMS" "/v1/views/claims/claim?claim_id=$CLAIM"
get "$FARMER" "/v1/views/settlement/balance?account=$FARMER"
