#!/usr/bin/env bash
# Removes everything the EdgeFuse gateway install made (the list is /opt/edgefuse/install-manifest).
# The same as install.sh --uninstall; takes --root DIR and --dry-run too. docs/gateway.md.
exec "$(dirname "${BASH_SOURCE[0]}")/install.sh" --uninstall "$@"
