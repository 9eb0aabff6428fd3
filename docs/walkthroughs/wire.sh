# The wire format in plain shell: curl for HTTP, openssl for Ed25519 and SHA-256.
# Sourced by the walkthrough scripts; nothing here needs the agriledger package.
#
#   #!/usr/bin/env bash                     (in a script of your own, not a login shell:
#   NET=net                                  this file turns on `set -euo pipefail`)
#   URL=http://127.0.0.1:8700                (optional: else the first peer of NET)
#   . docs/walkthroughs/wire.sh              (NET must be set before, on its own line)
#   submit coop-a.manager warehouse_receipt apply '{"bank":"bank-a",...}'   # sign, POST, wait
#   get bank-a.officer '/v1/views/warehouse_receipt/loan?loan_id=loan-...'  # signed read
#
# A write is an envelope {"signatures": [{"sig", "signer"}], "tx": {...}}. Each
# signature is Ed25519 over the RFC 8785 canonical bytes of "tx": keys sorted, no
# whitespace, integers only. The scripts write "tx" and every args object in that
# form by hand (keys in byte order: "_" sorts before letters, so "period_end" comes
# before "period_start" and both after "perils"); a key out of order is a different
# byte string, and the peer answers 403 BAD_SIGNATURE. The tx id is the hex
# SHA-256 of the same bytes.
#
# A read carries an RFC 9421 HTTP message signature over "@method", "@path" and
# "@query" with the member's key, in two headers (Signature-Input, Signature).

set -euo pipefail

: "${NET:?set NET to the network directory (agriledger network init NET)}"
CHAIN_ID=$(sed -n 's/^ *"chain_id": "\([^"]*\)".*/\1/p' "$NET/network.json")
URL=${URL:-$(grep -o 'http://[^"]*' "$NET/endpoints.json" | head -n 1)}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

key_of() {  # member id -> its private key in the network directory
    echo "$NET/orgs/${1%%.*}/members/$1/key.pem"
}

sign_file() {  # MEMBER FILE -> base64 Ed25519 signature of the file's bytes
    openssl pkeyutl -sign -rawin -inkey "$(key_of "$1")" -in "$2" | openssl base64 -A
}

now_utc() {
    date -u +%Y-%m-%dT%H:%M:%SZ
}

# submit SIGNER CONTRACT ACTION ARGS_JSON [CO_SIGNER ...]
# Signs the tx as SIGNER (and each co-signer), posts it with wait=commit and prints
# the answer. Sets TX_ID. Exits 1 unless the tx committed.
submit() {
    local signer=$1 contract=$2 action=$3 args=$4 sigs member tx
    shift 4
    tx="{\"action\":\"$action\",\"args\":$args,\"chain_id\":\"$CHAIN_ID\""
    tx="$tx,\"contract\":\"$contract\",\"created_at\":\"$(now_utc)\""
    tx="$tx,\"nonce\":\"$(openssl rand -hex 16)\",\"signer\":\"$signer\"}"
    printf '%s' "$tx" > "$WORK/tx"
    TX_ID=$(openssl dgst -sha256 -r "$WORK/tx" | cut -c 1-64)
    sigs=""
    for member in "$signer" "$@"; do
        sigs="$sigs${sigs:+,}{\"sig\":\"$(sign_file "$member" "$WORK/tx")\",\"signer\":\"$member\"}"
    done
    echo "\$ $signer: $contract.$action $args"
    RESPONSE=$(curl -sS -X POST "$URL/v1/transactions?wait=commit" \
        -H 'Content-Type: application/json' \
        --data-binary "{\"signatures\":[$sigs],\"tx\":$tx}")
    echo "$RESPONSE"
    case $RESPONSE in
        *'"status":"committed"'*) ;;
        *) echo "error: $contract.$action by $signer did not commit" >&2; exit 1 ;;
    esac
}

# signed MEMBER METHOD TARGET [BODY]: a request signed as RFC 9421 says, printed.
# TARGET is the path with an optional ?query, exactly as sent. A body adds the
# Content-Digest header (RFC 9530) and "content-digest" to the covered components.
signed() {
    local member=$1 method=$2 target=$3 body=${4-} path query created params digest
    local components='"@method" "@path" "@query"'
    path=${target%%\?*}
    case $target in *\?*) query="?${target#*\?}" ;; *) query="?" ;; esac
    local -a extra=()
    if [ -n "$body" ]; then
        printf '%s' "$body" > "$WORK/body"
        digest="sha-256=:$(openssl dgst -sha256 -binary "$WORK/body" | openssl base64 -A):"
        components="$components \"content-digest\""
        extra=(-H "Content-Digest: $digest" -H 'Content-Type: application/json'
               --data-binary "@$WORK/body")
    fi
    created=$(date +%s)
    params="($components);created=$created;keyid=\"$member\";alg=\"ed25519\""
    params="$params;expires=$((created + 60));nonce=\"$(openssl rand -hex 16)\""
    printf '"@method": %s\n"@path": %s\n"@query": %s\n' "$method" "$path" "$query" \
        > "$WORK/base"
    [ -z "$body" ] || printf '"content-digest": %s\n' "$digest" >> "$WORK/base"
    printf '"@signature-params": %s' "$params" >> "$WORK/base"
    echo "\$ $member: $method $target $body" >&2
    curl -sS --fail-with-body -X "$method" "$URL$target" "${extra[@]}" \
        -H "Signature-Input: sig1=$params" \
        -H "Signature: sig1=:$(sign_file "$member" "$WORK/base"):"
    echo
}

# get MEMBER TARGET: a signed read.
get() {
    signed "$1" GET "$2"
}

# pass_days DAYS: on a development chain (network init --dev), move the block clock
# forward so a posting period is over; on any other chain the template posts for 0 days.
pass_days() {
    local member=${CLOCK_MEMBER:-gov.admin}
    case $(get "$member" /v1/clock 2>/dev/null) in
        *'"dev_chain":true'*) signed "$member" POST /v1/clock/advance "{\"by\":\"${1}d\"}" ;;
        *) echo "(not a development chain: no clock to move)" >&2 ;;
    esac
}

# chain_time: the chain's "now", the time a block cut now would carry (a dev clock may
# have moved it). Not the head block's time: on a new network the head is genesis, whose
# time is fixed when the network is made.
chain_time() {
    get "${READER:-gov.admin}" /v1/clock 2>/dev/null \
        | sed -n 's/.*"now":"\([^"]*\)".*/\1/p'
}

# days_after TIME DAYS: TIME plus DAYS whole days, as RFC 3339 UTC.
days_after() {
    date -u -d "@$(( $(date -u -d "$1" +%s) + $2 * 86400 ))" +%Y-%m-%dT%H:%M:%SZ
}
