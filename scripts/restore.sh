#!/usr/bin/env bash
# Restore a backup of scripts/backup.sh into a database (docs/deploy.md, «Restore»).
#
#   scripts/restore.sh [--create] [--force] [--media ARCHIVE [--media-root DIR]] DUMP TARGET_URL
#
#   DUMP         a mentoring-db-….dump made by scripts/backup.sh (pg_dump -Fc)
#   TARGET_URL   postgres://…/name of the database to restore into. Meant to be a NEW database:
#                restore there, check it, then point DATABASE_URL at it.
#   --create     create the target database first (the URL's user needs the right to create
#                databases; the new database belongs to that user)
#   --force      restore into a database that already has tables: every object in the dump is
#                dropped first (pg_restore --clean --if-exists); objects not in the dump stay
#   --media ARCHIVE     unpack this mentoring-media-….tar.gz too,
#   --media-root DIR    into DIR (default: $MEDIA_ROOT); DIR must be missing or empty without --force
#
# The database part runs in one transaction: it is restored completely or not at all. Objects are
# owned by the user of TARGET_URL (--no-owner), so restore as the application's role.
set -euo pipefail

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
say() { echo "restore: $*"; }
fail() { echo "restore: ERROR: $*" >&2; exit 1; }

create=0 force=0 media_archive="" media_root=${MEDIA_ROOT:-}
positional=()
while (($#)); do
    case $1 in
        --create) create=1 ;;
        --force) force=1 ;;
        --media) (($# >= 2)) || fail "--media needs an archive"; media_archive=$2; shift ;;
        --media-root) (($# >= 2)) || fail "--media-root needs a folder"; media_root=$2; shift ;;
        -h | --help) usage; exit 0 ;;
        --) shift; positional+=("$@"); break ;;
        -*) fail "unknown option $1 (see --help)" ;;
        *) positional+=("$1") ;;
    esac
    shift
done
((${#positional[@]} == 2)) || { usage >&2; exit 2; }
dump=${positional[0]}
target_url=${positional[1]}

for tool in pg_restore psql createdb; do
    command -v "$tool" >/dev/null || fail "$tool not found: apt-get install postgresql-client-15"
done
case $target_url in
    postgres://* | postgresql://*) ;;
    *) fail "TARGET_URL must be a PostgreSQL URL (postgres://user@host:5432/name), got: $target_url" ;;
esac
# The database name: the URL's path, without a query string.
rest=${target_url#*://}
[[ $rest == */* ]] || fail "TARGET_URL names no database: $target_url"
db_name=${rest#*/}
db_name=${db_name%%\?*}
[[ -n $db_name ]] || fail "TARGET_URL names no database: $target_url"

[[ -f $dump && -r $dump ]] || fail "cannot read the dump $dump"
pg_restore --list "$dump" >/dev/null 2>&1 || fail "$dump is not a pg_dump custom-format file (or is damaged)."

# The checksums written by backup.sh next to the dump, when they are there.
base=$(basename "$dump")
if [[ $base =~ ^mentoring-db-([0-9]{8}-[0-9]{6})\.dump$ ]]; then
    sums=$(dirname "$dump")/mentoring-${BASH_REMATCH[1]}.sha256
    if [[ -f $sums ]]; then
        (cd "$(dirname "$dump")" && sha256sum --check --quiet --ignore-missing "$(basename "$sums")") \
            || fail "checksum mismatch: the backup files differ from what backup.sh wrote ($sums)."
        say "checksums match ($sums)"
    fi
fi

if [[ -n $media_archive ]]; then
    [[ -n $media_root ]] || fail "--media needs --media-root DIR (or MEDIA_ROOT in the environment)"
    [[ -f $media_archive ]] || fail "cannot read the media archive $media_archive"
    tar --list --gzip --file="$media_archive" >/dev/null || fail "$media_archive is not a readable .tar.gz"
    if [[ -d $media_root ]] && [[ -n $(ls -A -- "$media_root") ]] && ((!force)); then
        fail "$media_root is not empty; unpack into a new folder, or add --force to write over it."
    fi
fi

psql_q() { psql --no-password --no-psqlrc --quiet --tuples-only --no-align --dbname="$1" --command="$2"; }

if ((create)); then
    [[ $db_name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] \
        || fail "--create: the database name '$db_name' must be letters, digits and _ only."
    maintenance_url=${target_url%%\?*}
    maintenance_url=${maintenance_url%/*}/postgres
    createdb --no-password --maintenance-db="$maintenance_url" "$db_name" \
        || fail "could not create the database $db_name (does it exist already? may this user create databases?)"
    say "created the database $db_name"
fi

psql_q "$target_url" "SELECT 1" >/dev/null 2>&1 \
    || fail "cannot connect to $db_name. Create it first (as postgres: createdb -O mentoring $db_name) or use --create."

tables=$(psql_q "$target_url" "
    SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")
if ((tables > 0)); then
    ((force)) || fail "the database $db_name is not empty ($tables tables, views or sequences). Restore into a new database, or add --force to drop and replace the objects of the dump in it."
    say "warning: --force: replacing the objects of the dump in $db_name, which has $tables"
fi

say "restoring $dump into $db_name …"
pg_restore --no-password --dbname="$target_url" --clean --if-exists --no-owner --no-acl \
    --single-transaction --exit-on-error "$dump" \
    || fail "pg_restore failed; the transaction was rolled back and $db_name is as it was."
# pg_restore does not restore the planner's statistics.
psql_q "$target_url" "ANALYZE" >/dev/null
restored=$(psql_q "$target_url" "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
say "database restored: $restored tables in $db_name"

if [[ -n $media_archive ]]; then
    mkdir -p -- "$media_root"
    tar --extract --gzip --file="$media_archive" --directory="$media_root" --no-same-owner
    say "media restored into $media_root ($(find "$media_root" -type f | wc -l) files)"
fi

say "done. Next: set DATABASE_URL to this database (and MEDIA_ROOT to the media folder), then run"
say "  deploy/manage.sh migrate --check && deploy/manage.sh check --deploy && curl -fsS https://<host>/health/"
