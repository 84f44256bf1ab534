#!/usr/bin/env bash
# The test command (README: `npm test`). On a fresh machine it installs everything the tests need:
# npm packages, and the Debian packages behind the real-server tests (Spring MVC on Tomcat with the real Spring
# Security built from ../shared/spring-security, tinyproxy, squid, curl, tmux). Every server the tests use is
# started by the tests themselves on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(openssl curl tmux tinyproxy squid libspring-web-servlet-java libtomcat9-java libjackson2-databind-java libaopalliance-java libbcprov-java redis-server nginx httpie python3-httpbin gunicorn)
command -v javac >/dev/null 2>&1 || debian_packages+=(openjdk-17-jdk-headless)

missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Missing Debian packages (${missing[*]}): install them as root; the tests that need them will try again." >&2
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

npm run --silent typecheck
npm run --silent lint
npm run --silent build

mkdir -p .tmp
status=0
npx vitest run --reporter=default --reporter=json --outputFile=.tmp/vitest.json "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync(".tmp/vitest.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' || true
exit $status
