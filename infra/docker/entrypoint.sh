#!/bin/sh
# Starts the role named by MEDCOM_ROLE (web, worker, check-config); see the Dockerfile.
set -eu
case "${MEDCOM_ROLE:-web}" in
  web)          exec dotnet /app/web/MedComMailbox.Web.dll "$@" ;;
  worker)       exec dotnet /app/worker/MedComMailbox.Worker.dll "$@" ;;
  check-config) exec dotnet /app/cli/medcom.dll check-config "${MEDCOMMAILBOX_SETTINGS:?set MEDCOMMAILBOX_SETTINGS}" --with-environment "$@" ;;
  *) echo "MEDCOM_ROLE must be web, worker or check-config (was '${MEDCOM_ROLE}')" >&2; exit 2 ;;
esac
