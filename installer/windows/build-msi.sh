#!/usr/bin/env bash
# Builds the agent's MSI from ppdesk-agent.wxs with wixl (msitools), then fixes in the database
# what wixl 0.101 cannot write (see installer/README.md):
#   - the LaunchCondition rows (<Condition> is "unhandled" by wixl; copied from the .wxs);
#   - SecureCustomProperties: wixl ignores Secure="yes", so the five public properties would
#     not reach the elevated part of an install started with a UI;
#   - HideTarget on the custom actions that carry ORG_TOKEN;
#   - MajorUpgrade's Schedule: RemoveExistingProducts right after InstallInitialize, so a
#     failed upgrade rolls back to the old version on Windows (wixl puts it before
#     InstallInitialize).
#
# usage: build-msi.sh EXE OUT_DIR [VERSION]
#   EXE      the Windows agent (build-exe.sh prints its path)
#   OUT_DIR  where ppdesk-agent-VERSION.msi goes
#   VERSION  default: the workspace version in Cargo.toml (MSI: three numbers, each <= 255
#            for the first two and <= 65535 for the third)
# Prints the MSI's path on stdout.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

exe="${1:?usage: build-msi.sh EXE OUT_DIR [VERSION]}"
out_dir="${2:?usage: build-msi.sh EXE OUT_DIR [VERSION]}"
version="${3:-$(sed -n '/^\[workspace.package\]/,/^\[/s/^version *= *"\(.*\)"/\1/p' "$repo/Cargo.toml")}"

if ! [[ "$version" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] ||
  ((BASH_REMATCH[1] > 255 || BASH_REMATCH[2] > 255 || BASH_REMATCH[3] > 65535)); then
  echo "build-msi.sh: version \"$version\" is not an MSI version (major.minor.patch, 255.255.65535 at most)" >&2
  exit 1
fi
for tool in wixl msibuild msiinfo python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "build-msi.sh: $tool missing; apt-get install wixl msitools python3" >&2
    exit 1
  fi
done
[ -f "$exe" ] || { echo "build-msi.sh: no such exe: $exe" >&2; exit 1; }

# wixl wants File sources relative to the working directory: stage them.
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
cp "$exe" "$stage/ppdesk-agent.exe"
cp "$repo/assets/windows/ppdesk.ico" "$stage/ppdesk.ico"
mkdir -p "$out_dir"
msi="$(cd "$out_dir" && pwd)/ppdesk-agent-$version.msi"
rm -f "$msi"

(cd "$stage" && wixl -a x64 -D Wixl=1 -D "Version=$version" -D ExePath=ppdesk-agent.exe \
  -D IconPath=ppdesk.ico -o "$msi" "$here/ppdesk-agent.wxs") 2> "$stage/wixl.log" || {
  cat "$stage/wixl.log" >&2
  exit 1
}
# Warnings wixl prints for what it ignores; each is handled below. Anything else is news.
if grep -v -E "^$|no property named '(HideTarget|Schedule)'" "$stage/wixl.log" >&2; then
  echo "build-msi.sh: unexpected wixl output above" >&2
  exit 1
fi

# 1. Launch conditions, as written in the .wxs for the WiX toolset.
python3 - "$here/ppdesk-agent.wxs" > "$stage/conditions.sql" <<'EOF'
import html, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
found = re.findall(r'<Condition Message="([^"]*)">(.*?)</Condition>', text, re.S)
if not found:
    sys.exit("build-msi.sh: no <Condition> in the .wxs")
for message, condition in found:
    condition, message = html.unescape(condition.strip()), html.unescape(message)
    if "'" in condition + message:
        sys.exit("build-msi.sh: a launch condition with a ' cannot be copied")
    print(f"INSERT INTO `LaunchCondition` (`Condition`, `Description`) VALUES ('{condition}', '{message}')")
EOF
while IFS= read -r query; do
  msibuild "$msi" -q "$query"
done < "$stage/conditions.sql"

# 2. The public properties may come from the command line of an elevated install.
msibuild "$msi" -q "UPDATE \`Property\` SET \`Value\` = 'WIX_DOWNGRADE_DETECTED;WIX_UPGRADE_DETECTED;SERVER_URL;ORG_TOKEN;HELPDESK_EMAIL;MODE;PHONE' WHERE \`Property\` = 'SecureCustomProperties'"

# 3. msidbCustomActionTypeHideTarget (8192) on every action whose command line or value
#    carries the token: it stays out of the log.
hidden=0
while IFS=$'\t' read -r action type target; do
  [[ "$target" == *ORG_TOKEN* ]] || continue
  hidden=$((hidden + 1))
  if (((type & 8192) == 0)); then
    msibuild "$msi" -q "UPDATE \`CustomAction\` SET \`Type\` = $((type | 8192)) WHERE \`Action\` = '$action'"
  fi
done < <(msiinfo export "$msi" CustomAction | tr -d '\r' | tail -n +4 | cut -f1,2,4)
((hidden >= 3)) || { echo "build-msi.sh: expected the token in 3 custom actions, found $hidden" >&2; exit 1; }

# 4. RemoveExistingProducts inside the transaction (afterInstallInitialize).
initialize="$(msiinfo export "$msi" InstallExecuteSequence | tr -d '\r' | awk -F'\t' '$1 == "InstallInitialize" { print $3 }')"
[ -n "$initialize" ] || { echo "build-msi.sh: no InstallInitialize in the MSI" >&2; exit 1; }
msibuild "$msi" -q "UPDATE \`InstallExecuteSequence\` SET \`Sequence\` = $((initialize + 1)) WHERE \`Action\` = 'RemoveExistingProducts'"

echo "$msi"
