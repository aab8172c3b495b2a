#!/usr/bin/env bash
# Backup of the mentoring registry: the database (pg_dump -Fc) and the uploaded files (MEDIA_ROOT),
# into BACKUP_DIR as a pair of files with the same date stamp; files older than BACKUP_KEEP_DAYS are
# removed afterwards. docs/deploy.md has the schedule (mentoring-backup.timer) and the restore.
#
#   scripts/backup.sh                 # settings from the environment (the systemd unit's EnvironmentFile)
#
# Environment:
#   DATABASE_URL      postgres://… of the database (required; the application's own)
#   MEDIA_ROOT        uploaded files (default: var/media next to this script's project)
#   BACKUP_DIR        where the backups go (default: /var/backups/mentoring)
#   BACKUP_KEEP_DAYS  days a backup is kept (default: 14; 0 keeps everything)
#
# Output: BACKUP_DIR/mentoring-db-YYYYmmdd-HHMMSS.dump, …/mentoring-media-YYYYmmdd-HHMMSS.tar.gz and
# a .sha256 of both. A file appears under its final name only when it is complete.
set -euo pipefail
umask 077  # the backup holds personal data

project_dir=$(cd "$(dirname "$0")/.." && pwd)
database_url=${DATABASE_URL:-}
media_root=${MEDIA_ROOT:-$project_dir/var/media}
backup_dir=${BACKUP_DIR:-/var/backups/mentoring}
keep_days=${BACKUP_KEEP_DAYS:-14}

say() { echo "backup: $*"; }
fail() { echo "backup: ERROR: $*" >&2; exit 1; }

case $database_url in
    postgres://* | postgresql://*) ;;
    "") fail "DATABASE_URL is not set (it names the database to back up)." ;;
    *) fail "DATABASE_URL is not a PostgreSQL URL (postgres://…): only PostgreSQL is backed up by this script." ;;
esac
[[ $keep_days =~ ^[0-9]+$ ]] || fail "BACKUP_KEEP_DAYS=$keep_days: expected a whole number of days."
command -v pg_dump >/dev/null || fail "pg_dump not found: apt-get install postgresql-client-15"
[[ -d $backup_dir ]] || fail "$backup_dir does not exist: install -d -o mentoring -g mentoring -m 0700 $backup_dir"
[[ -w $backup_dir ]] || fail "$backup_dir is not writable by $(id -un)."

stamp=$(date +%Y%m%d-%H%M%S)
db_file=$backup_dir/mentoring-db-$stamp.dump
media_file=$backup_dir/mentoring-media-$stamp.tar.gz
sum_file=$backup_dir/mentoring-$stamp.sha256
partial=()
cleanup() { ((${#partial[@]})) && rm -f -- "${partial[@]}"; return 0; }
trap cleanup EXIT

# 1. The database, in PostgreSQL's custom format (compressed; pg_restore can pick objects from it).
partial+=("$db_file.partial")
pg_dump --format=custom --compress=6 --no-password --dbname="$database_url" --file="$db_file.partial" \
    || fail "pg_dump failed (see above); nothing was written."
pg_restore --list "$db_file.partial" >/dev/null || fail "the dump cannot be read back by pg_restore."
mv -- "$db_file.partial" "$db_file"
say "database -> $db_file ($(du -h "$db_file" | cut -f1))"

# 2. The uploaded files. Taken after the dump, so every file a dumped row names is in the archive
#    (a file uploaded meanwhile is harmless extra).
partial+=("$media_file.partial")
if [[ -d $media_root ]]; then
    status=0
    tar --create --gzip --file="$media_file.partial" --directory="$media_root" \
        --warning=no-file-changed --warning=no-file-removed . || status=$?
    # GNU tar exits 1 when a file changed while it was read (an upload in progress): not fatal.
    ((status <= 1)) || fail "tar of $media_root failed (exit $status)."
else
    say "warning: MEDIA_ROOT $media_root does not exist; the media archive is empty."
    tar --create --gzip --file="$media_file.partial" --files-from=/dev/null
fi
mv -- "$media_file.partial" "$media_file"
say "media    -> $media_file ($(du -h "$media_file" | cut -f1))"

(cd "$backup_dir" && sha256sum -- "$(basename "$db_file")" "$(basename "$media_file")") >"$sum_file"

# 3. Retention: only after a complete backup, and never the one just made.
if ((keep_days > 0)); then
    removed=$(find "$backup_dir" -maxdepth 1 -type f \
        \( -name 'mentoring-db-*.dump' -o -name 'mentoring-media-*.tar.gz' -o -name 'mentoring-*.sha256' \
           -o -name 'mentoring-*.partial' \) \
        -mmin +$((keep_days * 24 * 60)) -print -delete | wc -l)
    ((removed == 0)) || say "removed $removed file(s) older than $keep_days days"
fi
say "done: $stamp"
