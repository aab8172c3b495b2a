#!/usr/bin/env bash
# manage.py as the service user with the production settings (docs/deploy.md), e.g.
#   /srv/mentoring/deploy/manage.sh migrate
#   /srv/mentoring/deploy/manage.sh check --deploy
#   /srv/mentoring/deploy/manage.sh createsuperuser
# Run it as root (it switches to the user mentoring) or as mentoring. The settings are read from
# /etc/mentoring/mentoring.env (MENTORING_ENV_FILE names another), the file the services use; a variable
# already set in the calling shell wins over the file (useful for DATABASE_URL=… during a restore check).
set -euo pipefail

app_dir=$(cd "$(dirname "$0")/.." && pwd)
env_file=${MENTORING_ENV_FILE:-/etc/mentoring/mentoring.env}
service_user=${MENTORING_USER:-mentoring}

if [[ ! -r $env_file && $(id -u) -ne 0 ]]; then
    echo "manage.sh: cannot read $env_file (run as root or as $service_user)" >&2
    exit 1
fi
[[ -e $env_file ]] || { echo "manage.sh: $env_file does not exist (see deploy/env.example)" >&2; exit 1; }

cd "$app_dir"
command=(env ENV_FILE="$env_file" XDG_CACHE_HOME=/var/cache/mentoring "$app_dir/.venv/bin/python" "$app_dir/manage.py" "$@")
if [[ $(id -un) == "$service_user" ]]; then
    exec "${command[@]}"
elif [[ $(id -u) -eq 0 ]]; then
    exec runuser -u "$service_user" -- "${command[@]}"
else
    echo "manage.sh: run as root or as $service_user, not as $(id -un)" >&2
    exit 1
fi
