#!/usr/bin/env bash
# The government: the finance bureau publishes its premium-subsidy budgets and pays the
# central, provincial and county shares of a crop policy's premium; the agriculture
# bureau declares a disaster. Before that, the cooperative enrols its farmers and the
# insurer underwrites the policy (steps 0). Plain curl + openssl (see wire.sh); the CLI
# version is government.md.
#
#   docs/walkthroughs/government.sh net        # then insurer.sh with the ids it prints
set -euo pipefail
NET=${1:?usage: government.sh NET}
. "$(dirname "$0")/wire.sh"
FINANCE=${FINANCE:-gov.finance}
AGRI=${AGRI:-gov.agri}
PBOC=${PBOC:-gov.pboc}
MANAGER=${MANAGER:-coop-a.manager}
UNDERWRITER=${UNDERWRITER:-insurer.underwriter}
FARMER=${FARMER:-coop-a.farmer-1}
RUN=$(date +%s)
POLICY=${POLICY:-rice-$RUN}
NOW=$(chain_time)

# 0. (The central bank) funds the payers; (the cooperative) enrols a farmer's 10 mu of
#    rice against typhoon; (the insurer) underwrites it, which posts the insured list in
#    the village for 3 days (on a development chain the clock is moved past them), and
#    then confirms the posting.
for account in gov coop-a insurer; do
    submit "$PBOC" settlement issue "{\"account\":\"$account\",\"amount\":1000000000}"
done
submit "$MANAGER" claims enrol "{\"book\":\"lishui-rice\",\"county_share_bp\":1500,\"covers\":[{\"insured\":\"$FARMER\",\"insured_area\":1000,\"planted_area\":1000,\"plot\":\"plot-$RUN\"}],\"crop\":\"rice\",\"insurer\":\"insurer\",\"perils\":[\"typhoon\"],\"period_end\":\"$(days_after "$NOW" 180)\",\"period_start\":\"$NOW\",\"policy_id\":\"$POLICY\",\"premium_per_mu\":1500,\"province_share_bp\":3000,\"region\":\"lishui\",\"stage_caps\":{\"tillering\":8000},\"sum_insured_per_mu\":50000}"
submit "$UNDERWRITER" claims underwrite "{\"policy_id\":\"$POLICY\"}"
pass_days 3
submit "$UNDERWRITER" claims publicise_underwriting "{\"policy_id\":\"$POLICY\"}"

# 1. The finance bureau publishes a premium budget per level for this fiscal year and
#    pays each level's share from it (central 35 %, province 30 %, county 15 %).
YEAR=$(TZ=Asia/Shanghai date -d "$(chain_time)" +%Y)
for level in central province county; do
    submit "$FINANCE" claims publish_programme \
        "{\"budget\":10000000,\"fiscal_year\":$YEAR,\"level\":\"$level\",\"programme\":\"$level-$YEAR-$RUN\",\"purpose\":\"premium\"}"
    submit "$FINANCE" claims pay_premium_share \
        "{\"level\":\"$level\",\"policy_id\":\"$POLICY\",\"programme\":\"$level-$YEAR-$RUN\"}"
done
# 2. (The cooperative) pays the farmers' own 20 %: the policy is now in force.
submit "$MANAGER" claims pay_premium_share "{\"level\":\"farmer\",\"policy_id\":\"$POLICY\"}"
get "$FINANCE" "/v1/views/claims/policy?policy_id=$POLICY"

# 3. The agriculture bureau declares the typhoon that has just struck the county, over
#    this run's time: a disaster is declared once, so a window meeting an earlier typhoon
#    declaration for lishui (a run before this one) would be DECLARATION_OVERLAPS.
LOSS=$(chain_time)
submit "$AGRI" claims declare_disaster \
    "{\"declaration_id\":\"typhoon-$RUN\",\"peril\":\"typhoon\",\"region\":\"lishui\",\"severity\":2,\"window_end\":\"$LOSS\",\"window_start\":\"$NOW\"}"
echo "policy $POLICY in force; disaster typhoon-$RUN declared"
echo "next, the insurer: docs/walkthroughs/insurer.sh $NET $POLICY typhoon-$RUN"
