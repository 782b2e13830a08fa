# rhv-pki messages, English (the reference catalogue: every key here exists in ja.ftl, with the
# same variables). Finding codes, JSON keys and values, exit codes and the Prometheus / Nagios
# outputs are never translated and never come from here.

## audit
## The audit table (`rhv-pki audit`, `rhv-pki hosts audit`)
audit-col-role = ROLE
audit-col-file = FILE
audit-col-cn = CN
audit-col-not-after = NOT AFTER
audit-col-residual = RESIDUAL
audit-col-signature = SIGNATURE
audit-col-key = KEY
audit-col-status = STATUS
audit-col-action = ACTION
audit-status-ok = ok
audit-status-warning = warning
audit-status-critical = critical
audit-status-expired = expired
audit-status-missing = missing
audit-residual-expired = expired
audit-residual-days = { $n }d
audit-residual-hours = { $n }h
audit-residual-minutes = { $n }m
audit-findings = FINDINGS
audit-severity-critical = CRITICAL
audit-severity-warning = WARNING
audit-note = note: { $path }: { $message }
audit-overall-ok = OK
audit-overall-warning = WARNING
audit-overall-critical = CRITICAL
audit-overall-unknown = UNKNOWN
audit-summary = { $status }: { $unreached ->
        [0] {""}
       *[other] { $unreached } host(s) not reached;{" "}
    }{ $certs } certificates: { $ok } ok, { $warning } warning, { $critical } critical ({ $expired } expired){ $missing ->
        [0] {""}
       *[other] , { $missing } missing
    }; { $inventory } not checked (backups, issued copies); thresholds warn { $warn_days }d, crit { $crit_days }d; evaluated at { $at }

## audit: findings (`finding-<code>`: the JSON `message` is the English one)
finding-sha1-signature = signed with { $algorithm }; RHEL 9 DEFAULT policy rejects SHA-1
finding-md5-signature = signed with { $algorithm }; MD5 is broken
finding-expired = expired on { $not_after }
finding-not-yet-valid = not valid before { $not_before }
finding-expiring = expires { $not_after }, in { $days_left } days (threshold { $threshold_days } days)
finding-missing-san = no subjectAltName extension
finding-san-mismatch = subjectAltName { $san } does not contain { $expected }
finding-san-invalid = subjectAltName DNS:{ $name } is not a host name ({ $reason })
finding-web-validity-too-long = web certificate valid { $days } days, browsers accept at most { $max_days }
finding-weak-key = { $key } key, at least RSA-{ $min_bits } required
finding-unsupported-key = { $key } key; oVirt expects RSA
finding-chain-invalid = does not verify against { $ca }: { $reason }
finding-unverifiable-signature = signature algorithm { $algorithm } cannot be verified
finding-issued-before-ca-renewal = issued before { $ca } was renewed ({ $ca_not_before }): the host still holds the old CA copy
finding-cer-p12-mismatch = { $cer } is not the certificate inside { $p12 }
finding-key-mismatch = private key { $key } does not belong to { $cert }
finding-p12-unreadable = PKCS#12 cannot be opened: { $reason }
finding-p12-algorithm-refused = PKCS#12 cannot be opened here: this OpenSSL refuses { $algorithms } (FIPS mode, or no legacy provider); the password was not judged
finding-p12-legacy-rc2 = PKCS#12 uses RC2-40 ({ $format }); OpenSSL 3 / RHEL 9 cannot read it without the legacy provider
finding-p12-friendly-name = PKCS#12 key has a friendlyName; the engine expects alias 1
finding-p12-iterations-excessive = PKCS#12 { $what } iteration count { $count } is above the limit of { $limit } (OpenSSL writes 2048, keytool 10000); not opened, no key derived
finding-openssl-conf-sha1 = default_md = { $value } at line { $line }; new certificates would be SHA-1
finding-apache-ca-mismatch = { $reason }
finding-third-party-cert = issued by a third-party CA ({ $issuer }); rhv-pki will not re-sign it
finding-key-permissions = private key mode { $mode }, expected { $expected }
finding-key-owner = private key owned by uid { $uid }, expected { $expected }
finding-ca-copy-mismatch = { $copy } differs from { $ca }
finding-unreadable = { $reason }
finding-missing = missing: { $what }
finding-symlink-outside-tree = symlink to { $target } leaves the audited tree; not followed
finding-index-invalid = line { $line }: { $reason }
finding-serial-behind = serial.txt is { $serial_txt } but database.txt already holds serial { $max_in_index }; the next issuance would clash
finding-engine-fqdn-unknown = ENGINE_FQDN unknown ({ $reason }); SAN checks against it skipped
finding-restart-needed = { $endpoint } ({ $address }) serves serial { $served_serial } but the file holds { $on_disk_serial }: restart { $service }
finding-endpoint-unreachable = { $endpoint } ({ $address }) showed no certificate: { $reason }
finding-host-unreachable = host not audited: { $reason }
finding-host-key-unverified = host not contacted, its SSH host key is not trusted: { $reason }
finding-host-ca-stale = an older copy of { $ca } (serial { $copy_serial }, notAfter { $copy_not_after }); the Manager's is valid until { $ca_not_after }
finding-host-ca-stale-other-key = not the Manager's { $ca } (this copy: serial { $copy_serial }, notAfter { $copy_not_after }, another key); certificates from the Manager will not verify here
finding-host-file-owner = owned by { $owner }, expected { $expected }
finding-host-file-mode = mode { $mode }, expected { $expected }
finding-host-key-unreadable = private key unusable: { $reason }
finding-interrupted-change = an interrupted rhv-pki change (backup { $backup }, { $reason }) may have left the PKI half-written; undo it: { $command }
finding-ssh-cert-type = OpenSSH { $found } certificate, expected a { $expected } certificate
finding-ssh-cert-signer = OpenSSH certificate signed by { $signer }, not by the CA key { $ca }
finding-ssh-cert-signature = OpenSSH certificate signature does not verify with { $signer }
finding-ssh-cert-principals = principals [{ $principals }] do not include { $expected }
finding-truststore-alias-missing = no alias '{ $alias }' (the engine cannot verify peers signed by { $ca })
finding-truststore-stale = alias '{ $alias }' is not the current { $ca } (an older copy with the same key): { $reason }
finding-truststore-stale-other-key = alias '{ $alias }' is not the current { $ca } (another key: peers signed by it do not verify): { $reason }
finding-p12-password-wrong = the PKCS#12 password from { $source } opens none of the { $files } key store(s) (wrong password)

## audit: actions (the ACTION column: commands stay commands, advice in words is translated)
action-resign = rhv-pki resign { $target }
action-renew = rhv-pki renew { $target }
action-renew-new-key = rhv-pki renew --new-key { $target }
action-host-enroll = rhv-pki hosts enroll --only-needed
action-host-recover = rhv-pki hosts recover --ssh
action-reissue = re-issue
action-reissue-new-key = re-issue with a new key
action-restore-matching = restore matching files from backup
action-chmod-key = chmod go-rwx
action-investigate-issuer = investigate issuer
action-renew-external = renew at the external CA
action-engine-key-manual = manual: engine key rotation (see docs)
action-check-p12-password = check --p12-password-file, else restore from backup
action-p12-modern = where OpenSSL has these algorithms: rhv-pki resign { $target } --p12-format modern
action-p12-reexport = re-export it with PBES2/AES-256 and a SHA-256 MAC
action-p12-iterations = restore from backup, or re-export with ordinary iteration counts
action-restore = restore from backup
action-resign-ca-copies = rhv-pki resign ca (rewrites the copies)
action-conf = rhv-pki conf
action-apache-ca-link = ln -sfn /etc/pki/ovirt-engine/ca.pem apache-ca.pem
action-check-vdsm = check the host; expired certificates: rhv-pki hosts recover --ssh
action-restart = systemctl restart { $service }
action-status = systemctl status { $service }
action-chown = chown to the expected owner
action-chmod = chmod to the expected mode
action-host-key = verify the host key fingerprint, then --accept-new-host-key
action-check-clocks = check the clocks (chronyc tracking)
action-check-link = check the link target (readlink -f)
action-restore-backups = restore from backup (rhv-pki backups)
action-repair-index = repair database.txt (openssl ca reads it on every signing)
action-serial = set serial.txt above the highest issued serial
action-check-ssh = check SSH access to the host
action-command = { $command }
action-truststore-import = keytool -importcert -trustcacerts -alias <alias> -file <ca>.pem -keystore .truststore
action-store-password = set ENGINE_PKI_ENGINE_STORE_PASSWORD / --p12-password-file to the stores' password

## audit: reasons the audit gives in its own words (inside a finding's message)
reason-verbatim = { $reason }
reason-ca-missing = { $ca }.pem is missing or unreadable
reason-other-issuer = issued by '{ $issuer }', not by this CA
reason-bad-signature = signature does not verify
reason-ssh-not-ca-key = OpenSSH certificate not signed by the Manager CA key
reason-not-p12 = not PKCS#12: { $error }
reason-p12-wrong-password = wrong password or corrupt file ({ $reason })
reason-apache-dangling = apache-ca.pem is a dangling symlink to { $target }; httpd will not start
reason-apache-not-ca = apache-ca.pem is neither ca.pem nor a link to it, yet the apache certificate is issued by the internal CA

## audit: --policy el9 (the readiness block under the table)
el9-ready = EL9 readiness: READY
el9-not-ready = { $count ->
        [one] EL9 readiness: NOT READY ({ $count } item)
       *[other] EL9 readiness: NOT READY ({ $count } items)
    }
el9-reason = { $message }
el9-reason-anchor = { $message } — on a self-signed CA only: OpenSSL 3 does not judge the trust anchor's own signature, RHEL 9 accepts it (re-sign it anyway to leave no SHA-1)
el9-reason-host-copy = { $message } — the Manager's copy of a host certificate: `rhv-pki hosts audit --policy el9` judges what the host holds
el9-fix = fix:
el9-note = note:
el9-notes = Not blocking (notes):
el9-to-be-ready = To be ready, run:
el9-enroll-note = FILE: a file holding the Manager's admin@internal password (or drop --password-file and set RHV_PKI_ENGINE_PASSWORD); add --engine-url URL (and --ca-file, --user) when the Manager is not https://<ENGINE_FQDN> of engine.conf.d — hosts audit --ssh did not talk to the Manager

## audit: --post-events and --textfile-dir notes (standard error)
audit-event-clean = rhv-pki: audit is clean; no event posted
audit-event-posted = rhv-pki: posted event { $id } ({ $severity })
audit-event-already = rhv-pki: today's { $severity } event was already posted (custom id { $custom_id })

## backups
backups-col-id = ID
backups-col-created = CREATED
backups-col-state = STATE
backups-col-files = FILES
backups-col-reason = REASON
backups-state-committed = committed
backups-state-rolled-back = rolled-back
backups-state-incomplete = incomplete
backups-none = (no backups under { $dir })

## errors
error-line = rhv-pki: error: { $error }
error-stdout-warning = rhv-pki: warning: writing to standard output: { $error }
error-writing-report = writing the report: { $error }
error-pki-dir-unreadable = { $path }: PKI directory cannot be read: { $error }
error-pki-dir-not-a-directory = { $path }: PKI directory is not a directory
error-pki-dir-unlistable = { $path }: PKI directory cannot be listed: { $error }
error-password-file = { $path }: cannot read password file: { $error }
error-password-nul = PKCS#12 password must not contain a NUL byte
error-textfile = { $dir }: cannot write { $file }: { $error }
error-config-read = { $path }: { $error }
error-config-toml = { $path }: { $error }
error-config-out-of-range = { $path }: { $section }: { $days } days is out of range 0..36500
error-config-crit-above-warn = { $path }: { $section }: crit_days ({ $crit }) exceeds warn_days ({ $warn })
error-at = --at '{ $value }': expected YYYY-MM-DD or an RFC 3339 time like 2026-11-01T00:00:00Z
error-days-negative = --warn-days and --crit-days must not be negative
error-windows-inverted = { $class }: critical window ({ $crit } days, --crit-days or crit_days) must not exceed the warning window ({ $warn } days, --warn-days or warn_days)
io-not-found = { $error }
io-permission-denied = { $error }
io-is-a-directory = { $error }
io-not-a-directory = { $error }
io-other = { $error }

## Words the admin's runbook uses (RHV documentation terms)
term-maintenance = maintenance
term-global-maintenance = global maintenance
term-enroll-certificate = Enroll Certificate
term-activate = Activate

## Plans and questions
plan-dry-run = dry run: nothing was changed
confirm-proceed = Proceed? [y/N]

## The upgrade flow (`rhv-pki upgrade`)
upgrade-phase-prechecks = pre-checks
upgrade-phase-conf = openssl.conf
upgrade-phase-resign = re-sign
upgrade-phase-cycle = maintenance cycle
upgrade-phase-enroll = host enrollment
upgrade-phase-final-audit = final audit
upgrade-check-failed = { $count ->
    [one] one pre-check failed; nothing was changed
   *[other] { $count } pre-checks failed; nothing was changed
}

## change: conf / resign / renew / rollback (src/cli/change.rs)
confirm-apply = Apply this plan? [y/N]
change-plan-header = rhv-pki { $command }: plan for { $dir }
change-plan-fqdn = (ENGINE_FQDN { $fqdn })
change-nothing-to-do = nothing to do
change-plan-conf = line { $line }: default_md { $from } -> { $to } (backup { $path }.YYYYmmddHHMMSS)
change-col-name = NAME
change-col-serial = SERIAL
change-col-signature = SIGNATURE
change-col-not-after = NOT AFTER
change-col-key = KEY
change-col-p12 = P12
change-key-kept = kept
change-key-new = new
change-plan-why = why: { $reason }
change-plan-ssh = ssh: { $file } ({ $type } certificate, id { $id }, principals { $principals }, signed by the CA key) { $old } -> { $new }{ $rewritten }
change-plan-ssh-pub = ; { $file } rewritten
change-plan-ssh-missing = missing
change-plan-skipped = skipped { $name }: { $reason }
change-plan-services = services to restart afterwards: { $units }
change-plan-note = note: { $note }
change-recovered = recovered: an interrupted run (backup { $backup }) was rolled back first
change-applied = applied: { $files } files written; backup { $backup } in { $dir } (undo: { $undo } { $backup })
change-restart-now = restart now (under hosted-engine global maintenance if this is a hosted engine):
change-nothing-resigned = nothing needed re-signing (see skipped above; --all --force re-signs healthy certificates too); nothing changed
change-nothing-due = nothing was due; nothing changed
change-manual-step = manual step: { $step }
change-refuse-no-terminal = refusing to { $what } without --yes: stdin is not a terminal, so nobody can confirm; nothing changed (use --dry-run to see the plan)
change-interrupted-pending = an interrupted run (backup { $backup }) left the PKI half-written: applying will roll it back first, so the plan above may change (or run: rhv-pki rollback { $backup })
change-not-applied = not applied
change-maintenance-not-set = global maintenance could not be set; nothing was changed
rollback-would-restore = rhv-pki rollback --dry-run: would restore { $dir } from backup { $backup } in { $backups }
rollback-restored = restored from backup { $backup }: { $restored } entries restored, { $removed } files removed; the state before the rollback is backup { $safety }
rollback-restart = restart the services that use the restored files:
rollback-interrupted = an interrupted change left { $dir } half-written: backup { $backup } ({ $reason }, { $created }) in { $backups } is incomplete.
rollback-interrupted-undo = undo it (every file back as it was before that change): { $undo } { $backup }
rollback-interrupted-end = (the next resign, renew or conf also undoes it before it plans); nothing was changed

## change: the planner's reasons and notes, matched in their English to be shown translated
## (src/cli/phrases.rs; the JSON keeps the English)
phrase-sep = {"; "}
phrase-resign-sha256 = re-sign with SHA-256 keeping the key: { $rest }
phrase-resign-keep = re-sign keeping the key: { $rest }
phrase-openssh-colon = OpenSSH certificate { $file }: { $rest }
phrase-openssh-missing = OpenSSH certificate { $file } is missing ({ $pub } is there)
phrase-openssh = OpenSSH certificate { $file } { $rest }
phrase-nothing-to-fix-entity = nothing to fix: already { $alg }, SAN and p12 format fine, expires { $time } (not due)
phrase-nothing-to-fix = nothing to fix: already { $alg }, expires { $time } (not due)
phrase-signed-by-not-ca = signed by { $by }, not by the CA key ({ $ca })
phrase-signed = signed { $alg }
phrase-expires-in = expires in { $days } days (window { $window } d)
phrase-expired-ago = expired { $days } days ago
phrase-new-not-after = new notAfter { $time }
phrase-not-after-stays = notAfter stays { $time }
phrase-not-due = not due: expires { $time }
phrase-p12-legacy = keys/{ $file }.p12 is { $format } (OpenSSL 3 needs the legacy provider)
phrase-p12-friendly-name = keys/{ $file }.p12 key bag has a friendlyName (Java alias is not 1)
phrase-web-too-long = valid { $days } days, web certificates at most { $max }
phrase-no-san = no subjectAltName
phrase-san-lacks = subjectAltName lacks { $name }
phrase-not-before = not valid before { $time }
phrase-force = --force re-signs it anyway
phrase-third-party = third-party certificate (issuer { $issuer }), not signed by { $ca }
phrase-already-forced = { $name }: already { $alg }, not due
phrase-resigned-keeping = re-signed keeping the key
phrase-renew-at-ca = renew it at its CA
phrase-restart-engine-first = restart ovirt-engine before re-enrolling hosts (the engine caches the CA)
phrase-ca-resigned = the CA was re-signed with its own key: existing host certificates stay valid, but every host keeps an old copy of the CA
phrase-reenroll-before = re-enroll every host (Maintenance -> Enroll Certificate -> Activate) before the old CA's notAfter ({ $time })
phrase-ca-had-expired = the CA had expired ({ $time }): hosts still hold that copy and their certificates chain to it, so the Manager cannot reach them until they are re-enrolled
phrase-recover-first = for hosts the Manager can no longer talk to, use `rhv-pki hosts recover --ssh`, then Enroll Certificate the rest
phrase-vmconsole-copy = { $file } is re-issued with { $name }: the vmconsole proxy reads its copy { $copy }, which this change does not write
phrase-copy-afterwards = copy it there afterwards (keep that file's owner and mode)

progress-lock-backup = locking and backing up the PKI directory
progress-verify-written = verifying what was written
progress-issuing = { $name }: issuing serial { $serial }
progress-new-key = { $name }: generating a new RSA-2048 key
progress-resign-ca = { $name }: re-signing with its own key
progress-apache-ca = apache-ca.pem: the copy of ca.pem
progress-openssh = { $file }: OpenSSH { $type } certificate signed by the CA key
progress-maintenance-on = global maintenance on ({ $via })
progress-writing = writing the PKI files
progress-verifying = verifying { $count } endpoint(s)
progress-maintenance-off = global maintenance off
state-on-left-on = on (it was on before this run; left on)
state-kept-on = ON — kept on because a restart failed; once the services run again: { $command }
state-clear-it = ON — clear it: { $command }
state-not-cleared = ON (could not be cleared after the failed attempt)
state-off-as-found = off (as found)
state-unknown = unknown (cannot be read)
state-off = off
state-was-on-before = it was on before this run
manual-on-he-host = on a hosted-engine host: { $command }
manual-if-he = if this Manager is a hosted engine, on a hosted-engine host: { $command }
unit-not-installed = not installed on this Manager
unit-masked = masked
unit-disabled = disabled and not running: it reads the new files when started
phrase-host-sha1 = sha1-signature: vdsm certificate signed with { $alg }
phrase-host-chain = chain-invalid: not signed by the Manager's current CA
phrase-host-no-san = missing-san: no subjectAltName extension
phrase-host-san-mismatch = san-mismatch: SAN lacks the host address
phrase-host-expiring = expiring: { $time } ({ $days } days left)
phrase-host-expired = expired: { $time }
phrase-host-issued-before = issued-before-ca-renewal: host still holds the CA copy from before { $time }
phrase-host-unreadable = vdsm certificate could not be read ({ $error })
phrase-host-not-probed = vdsm certificate not probed
phrase-host-selected = selected
enroll-up-to-date = up to date: serial { $serial } from the current CA, { $signature }, with SAN (--all-hosts re-enrolls it anyway)
## maintenance: the maintenance cycle (src/cli/cycle.rs) and `maintenance …` (src/cli/maintenance.rs)
cycle-prefix = cycle:
cycle-plan-maintenance = global maintenance: { $via }
cycle-plan-refused = RESTARTS REFUSED: the files are changed, no unit is restarted (exit 4); the commands are printed
cycle-word-restart = restart
cycle-word-print = PRINT
cycle-word-skip = skip
cycle-word-verify = verify
cycle-word-skipped = skipped
cycle-word-ok = ok
cycle-word-failed = FAILED
cycle-plan-must-serve = { $address } must serve { $file }
cycle-not-live = maintenance cycle not run: this is not the live /etc/pki/ovirt-engine (pass --cycle to run maintenance, restarts and verification anyway)
cycle-he-left-to-admin = left to the admin (--no-maintenance)
cycle-he-none-rest = not a hosted engine (the REST API lists no HostedEngine VM)
cycle-he-none-local = not a hosted engine (hosted-engine here is not deployed)
cycle-he-evidence-exists = { $path } exists
cycle-he-evidence-names = { $path } names { $key }
cycle-he-unknown = hosted engine not detected and not ruled out (no --he-host, no --he-api, no hosted-engine command here — a hosted engine's Manager VM has none); restarting httpd or ovirt-engine outside global maintenance can make the HA agents restart the Manager VM: pass --he-host HOST or --he-api on a hosted engine, --no-maintenance if this Manager is not one (or you hold global maintenance), or --no-restart
cycle-he-unknown-evidence = hosted engine not detected and not ruled out (no --he-host, no --he-api, no hosted-engine command here — a hosted engine's Manager VM has none); this Manager's files mark a hosted engine: { $evidence }; restarting httpd or ovirt-engine outside global maintenance can make the HA agents restart the Manager VM: pass --he-host HOST or --he-api on a hosted engine, --no-maintenance if this Manager is not one (or you hold global maintenance), or --no-restart
cycle-step-maintenance-on = maintenance-on
cycle-step-maintenance-already-on = maintenance-already-on
cycle-step-files = files
cycle-step-restart-refused = restart-refused
cycle-step-restart = restart
cycle-step-verify = verify
cycle-step-maintenance-left-on = maintenance-left-on
cycle-step-maintenance-kept-on = maintenance-kept-on
cycle-step-maintenance-off = maintenance-off
cycle-endpoint = endpoint
cycle-check-current = current
cycle-check-stale = STALE
cycle-check-unreachable = UNREACHABLE
cycle-check-file-unreadable = FILE-UNREADABLE
cycle-endpoint-served = served { $served } / on disk { $disk }
cycle-maintenance-now = global maintenance now: { $state }
cycle-todo = to do: { $step }
cycle-attention-refused = ATTENTION: restarts refused: { $detail }
cycle-attention-kept-on = ATTENTION: global maintenance is still ON because a restart failed: { $state }
maint-status = global maintenance: { $state } ({ $via })
maint-set = global maintenance { $state } ({ $via }{ $already })
maint-on = ON
maint-off = off
maint-already = , it already was
maint-host = host
maint-score = score
maint-engine-vm = engine vm
maint-health = health
maint-local-maintenance = (local maintenance)
maint-no-endpoints = no TLS endpoints found in the Manager's configuration; name them with --endpoint NAME=HOST:PORT
maint-nothing-restarted = nothing restarted: { $why }
maint-no-unit = no unit that reads { $names } is installed and running or enabled here
maint-cannot-set = cannot set global maintenance: { $why }

## enroll: `hosts enroll` (src/cli/enroll.rs, the progress in src/cli/term.rs)
enroll-nothing = Nothing to enroll.
enroll-plan = Plan: { $hosts } host(s) in { $waves } wave(s), at most { $parallel } out of service at once.
enroll-wave = wave { $index }:
enroll-tag-spm = SPM: role moved first
enroll-tag-hosted-engine = hosted-engine
enroll-tag-kept-in-maintenance = already in maintenance: enrolled, left in maintenance
enroll-tag-vms = { $vms } VM(s), { $mib } MiB to migrate
enroll-tag-sep = {", "}
enroll-col-cluster = cluster
enroll-col-serial = serial
enroll-serial-at-wave = read before its wave
enroll-col-status = status
enroll-note-expired = note: the certificate has expired: the Manager cannot reach vdsm with it (the host goes non-responsive), so recover it over SSH: { $action }
enroll-skipped = skipped
enroll-args-not-recorded = arguments not recorded
enroll-would-discard = would discard the unfinished run in { $state } ({ $args })
enroll-discarding = discarding the unfinished run in { $state } ({ $args })
enroll-attention-discarded = ATTENTION: host { $host } was left out of service by the discarded run (status { $status }); a new plan finds it as it is now
enroll-warning-weak-https = warning: the Manager's HTTPS certificate (serial { $serial }) is signed with { $signature }; re-sign it: rhv-pki resign apache
enroll-attention-out = ATTENTION: host { $host } is out of service from the saved run (status { $status }); resuming its cycle
enroll-attention-out-dry = ATTENTION: host { $host } is out of service from the saved run (status { $status }); a resume continues its cycle
enroll-resume-out = , out of service: { $hosts }
enroll-resuming = resuming the run in { $state } ({ $done } of { $total } host(s) done{ $out }); only its remaining hosts are shown
enroll-would-resume = would resume the run in { $state } ({ $done } of { $total } host(s) done{ $out }); only its remaining hosts are shown
enroll-left-alone = only hosts whose certificate needs it are enrolled; { $count } host(s) already serve a current certificate (current CA, SHA-256, with SAN) and are left alone: { $hosts } — --all-hosts re-enrolls them too
enroll-and-more = , and { $count } more
enroll-saved-progress = Saved progress (serials above are from when the run was planned):
enroll-saved-enrolled = , enrolled (881): only activated and verified
enroll-saved-out = , out of service
enroll-refuse-no-terminal = refusing to take hosts out of service without --yes: stdin is not a terminal, so nobody can confirm; nothing was done (use --dry-run to see the plan)
enroll-confirm = Proceed with these waves? [y/N]
enroll-nothing-done = nothing done
enroll-result = Result:
enroll-out-unknown = its status is unknown (the Manager did not answer)
enroll-out-maintenance = it is in maintenance, NOT back up
enroll-out-status = it is { $status }, NOT back up
enroll-attention-after = ATTENTION: host { $host } is out of service after this run's cycle: { $why }
enroll-interrupted = interrupted by { $signal }: no new host was started; state kept in { $state }
enroll-to-resume = to resume: { $command }
enroll-progress-wave = wave { $index }/{ $total }: { $hosts }
enroll-progress-done = done
enroll-progress-failed = FAILED
enroll-step-pending = pending
enroll-step-moving-spm = moving SPM
enroll-step-maintenance = maintenance
enroll-step-enroll = enroll certificate
enroll-step-activate = activate
enroll-step-verifying = verifying vdsm
enroll-step-done = done
enroll-step-failed = failed

## recover: `hosts recover` (src/cli/hosts.rs)
recover-plan-header = rhv-pki { $command }: plan for { $dir } (O={ $org }, valid { $from } -> { $to }, { $days } days)
recover-plan-host = host { $host } (ssh { $addr }:{ $port })
recover-plan-cert = { $subject } SAN { $san } serial { $old } -> { $new } (was valid until { $until }), key kept: { $key }
recover-plan-install = install: { $files }
recover-plan-manager = Manager: { $files }, certs/{ $serial }.pem, database.txt, serial.txt
recover-plan-ca-copy = ca copy { $path } <- Manager { $ca }.pem (was serial { $old })
recover-plan-then = then: systemctl restart { $units }; probe { $endpoint }
recover-plan-unreachable = UNREACHABLE { $host }: { $reason }
recover-refuse-no-terminal = refusing to recover hosts without --yes: stdin is not a terminal, so nobody can confirm; no host was contacted and nothing changed (see the plan: --dry-run; apply it: --yes)
recover-refuse-no-terminal-short = refusing to recover hosts without --yes: stdin is not a terminal (use --dry-run to see the plan)
recover-manager-failed = Manager: FAILED: { $error }
recover-manager-written = Manager: { $files } files written; backup { $backup } in { $dir } (undo: { $undo } { $backup })
recover-host-ok = host { $host }: recovered; vdsm serves serial { $serial }; { $files } files installed, backups: { $backups }
recover-none = none
recover-nothing = nothing
recover-not-restarted = services NOT restarted (--no-restart); run on { $host }:
recover-then-confirm = then confirm with: rhv-pki hosts audit --ssh
recover-host-failed = host { $host }: FAILED: { $error }
recover-installed = installed: { $files }
recover-not-installed = not installed: { $files }
recover-host-backups = backups on the host: { $files }
recover-restarted = restarted: { $units }
recover-still-to-run = still to run: { $command }

## help: every --help text of the command tree (src/cli/help.rs: keys from the command path
## and the argument id; these must equal the doc comments, a test checks), then clap's own words
help-about = Audit, re-sign and renew the X.509 PKI of an oVirt / RHV Manager
help-after-help = Each command's --help (and man page) lists the exit codes it returns. Bad arguments exit 3 everywhere (UNKNOWN in Nagios terms); --help and --version exit 0.
help-arg-lang = The language of what a person reads (tables, messages, plans, help): en or ja (a locale name such as ja_JP.UTF-8 is read too). Default: LC_ALL, LC_MESSAGES, LANG as gettext reads them. JSON, finding codes, exit codes and metrics never change with it
help-audit-about = Check every certificate of the Manager's PKI directory (read-only)
help-audit-long-about =
    Check every certificate of the Manager's PKI directory (read-only).

    Exit codes (the Nagios plugin convention): 0 OK; 1 WARNING; 2 CRITICAL; 3 UNKNOWN (the audit could not run: bad arguments, missing or unreadable PKI directory, a side job such as --textfile-dir or --post-events failed).
help-audit-arg-root = A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it
help-audit-arg-pki-dir = The Manager's PKI directory [default: /etc/pki/ovirt-engine]
help-audit-arg-engine-conf-dir = engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d]
help-audit-arg-p12-password-file = File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass")
help-audit-arg-at = Judge the certificates as of this time (YYYY-MM-DD or RFC 3339) instead of now
help-audit-arg-warn-days = Warn when a certificate expires within this many days, every role [default: per role, as renew: 60 web, 365 others and CAs; or config.toml]
help-audit-arg-crit-days = Critical when a certificate expires within this many days, every role [default: 30, or config.toml]
help-audit-arg-format = Output format
help-audit-arg-format-value-table = kubeadm-style table
help-audit-arg-format-value-json = Versioned JSON document
help-audit-arg-format-value-prometheus = Prometheus text exposition (node_exporter textfile collector)
help-audit-arg-format-value-nagios = One Nagios/NRPE/Icinga plugin line: `STATE: summary | perfdata`
help-audit-arg-textfile-dir = Also write Prometheus metrics atomically to DIR/rhv_pki.prom (node_exporter textfile collector)
help-audit-arg-config = Config file (TOML; thresholds per role class, default locations) [default: /etc/rhv-pki/config.toml if present]
help-audit-arg-color = Colour the table: auto = only on a terminal
help-audit-arg-policy = Also give one readiness verdict for a platform: `el9` lists everything RHEL 9's DEFAULT crypto policy rejects or OpenSSL 3 cannot read (SHA-1 signatures, RC2-40 PKCS#12, RSA < 2048, `default_md = sha1`), each with the command that fixes it. Not ready makes the exit code at least 1 (WARNING); see README "RHEL 9 readiness"
help-audit-arg-policy-value-el9 = RHEL 9: what its DEFAULT crypto policy rejects or OpenSSL 3 cannot read
help-audit-arg-threads = Worker threads (0 = one per CPU)
help-audit-arg-post-events = Post a summary event into the Manager's audit log when the audit finds a warning or worse, so ovirt-engine-notifier mail/SNMP subscriptions carry it (one per day and severity; the Manager de-duplicates by custom id)
help-audit-arg-engine-url = Manager URL [default: https://<ENGINE_FQDN> from engine.conf.d]
help-heading-manager-api-post-events = Manager API (--post-events)
help-audit-arg-connect-to = Connect to this address instead of resolving the URL's host (the URL's host is still the name the certificate must carry), like curl's --connect-to
help-audit-arg-ca-file = The CA to trust for the Manager's HTTPS [default: <pki-dir>/ca.pem; use apache-ca.pem when apache has a third-party certificate]
help-audit-arg-user = The Manager user to log in as (USER@PROFILE)
help-audit-arg-password-file = File holding the password [default: $RHV_PKI_ENGINE_PASSWORD]. Never on the command line
help-audit-arg-api-timeout = Seconds per request
help-audit-arg-probe = Also connect to the Manager's TLS endpoints and report `restart-needed` when one serves another certificate than the file on disk (`endpoint-unreachable` when it shows none)
help-heading-endpoint-probe-probe = Endpoint probe (--probe)
help-audit-arg-endpoints = An endpoint to check, overriding its discovered address: NAME=HOST:PORT with NAME one of httpd, jboss, websocket-proxy, imageio, imageio-proxy, ovirt-provider-ovn (repeatable)
help-audit-arg-probe-timeout = Seconds one TLS probe may take
help-conf-about = Set `default_md = sha256` in openssl.conf (backup kept, every other byte unchanged)
help-conf-long-about =
    Set `default_md = sha256` in openssl.conf (backup kept, every other byte unchanged).

    Exit codes: 0 done (or nothing to do, or --dry-run); 1 a step failed and everything was rolled back; 2 refused before changing anything (not confirmed: answered no, or no --yes and stdin is not a terminal; the lock or a check refused); 3 usage error.
help-conf-arg-root = A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it
help-conf-arg-pki-dir = The Manager's PKI directory [default: /etc/pki/ovirt-engine]
help-conf-arg-engine-conf-dir = engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d]
help-conf-arg-p12-password-file = File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass")
help-conf-arg-dry-run = Print the plan and change nothing
help-conf-arg-yes = Apply without asking (required when stdin is not a terminal)
help-conf-arg-format = Output format
help-conf-arg-format-value-table = Text for people
help-conf-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-conf-arg-backup-dir = Where backups are kept [default: /var/lib/rhv-pki/backups, or <root>/var/lib/rhv-pki/backups]
help-conf-arg-lock-timeout = How long to wait for the CA lock held by an engine enrollment
help-conf-arg-legacy-lock-dir = The 4.2–4.4 lock directory [default: /tmp/ovirt-engine-pki.v2.lock, under --root when given]
help-conf-arg-config = Config file: `[thresholds]` windows decide what is due, as for `audit` [default: /etc/rhv-pki/config.toml if present]
help-resign-about = Re-sign certificates with SHA-256 keeping their keys (the SHA-1 -> SHA-256 runbook)
help-resign-long-about =
    Re-sign certificates with SHA-256 keeping their keys (the SHA-1 -> SHA-256 runbook).

    Exit codes: 0 done (or nothing to do, or --dry-run); 1 a step failed and everything was rolled back; 2 refused before changing anything (not confirmed: answered no, or no --yes and stdin is not a terminal; a check refused the plan; global maintenance could not be set); 3 usage error; 4 files changed but the maintenance cycle did not finish (a restart failed and global maintenance is kept on, restarts were refused because a hosted engine could not be ruled out, global maintenance could not be cleared, or an endpoint showed no certificate after its restart: endpoint-unreachable); 5 files changed and services restarted, but an endpoint still serves the old certificate (restart-needed).

    The maintenance cycle runs on the live PKI, or with --cycle; without it only the first four codes occur.
help-resign-arg-names = Certificates to re-sign: ca, qemu-ca, engine, apache, websocket-proxy, jboss, …
help-resign-arg-all = Every CA and entity that needs it: weak (SHA-1/MD5, RC2-40 p12, missing SAN, …) or due; the plan says why each is included or skipped (third-party certificates are left alone)
help-resign-arg-force = With --all: re-sign healthy certificates too (every CA and entity present)
help-resign-arg-ca-days = CA validity in days from now when a CA is re-signed [default: 3650, but never earlier than the CA's current notAfter]
help-resign-arg-days = Entity validity in days [default: 1827, web certificates 398, as oVirt 4.5]
help-resign-arg-p12-format = PKCS#12 format [default: the original's family; RC2-40 always becomes 3DES]
help-resign-arg-p12-format-value-legacy3des = PBE-SHA1-3DES + SHA-1 MAC (readable everywhere without the legacy provider)
help-resign-arg-p12-format-value-modern = PBES2/AES-256-CBC + HMAC-SHA256 (OpenSSL 3 default)
help-resign-arg-root = A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it
help-resign-arg-pki-dir = The Manager's PKI directory [default: /etc/pki/ovirt-engine]
help-resign-arg-engine-conf-dir = engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d]
help-resign-arg-p12-password-file = File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass")
help-resign-arg-dry-run = Print the plan and change nothing
help-resign-arg-yes = Apply without asking (required when stdin is not a terminal)
help-resign-arg-format = Output format
help-resign-arg-format-value-table = Text for people
help-resign-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-resign-arg-backup-dir = Where backups are kept [default: /var/lib/rhv-pki/backups, or <root>/var/lib/rhv-pki/backups]
help-resign-arg-lock-timeout = How long to wait for the CA lock held by an engine enrollment
help-resign-arg-legacy-lock-dir = The 4.2–4.4 lock directory [default: /tmp/ovirt-engine-pki.v2.lock, under --root when given]
help-resign-arg-config = Config file: `[thresholds]` windows decide what is due, as for `audit` [default: /etc/rhv-pki/config.toml if present]
help-resign-arg-no-maintenance = Do not touch hosted-engine global maintenance: this Manager is not a hosted engine, or you hold global maintenance yourself. Needed for restarts when no hosted engine is detected and none can be ruled out (--he-host / --he-api / a local hosted-engine)
help-heading-maintenance-cycle-the-live-pki-or-cycle = Maintenance cycle (the live PKI, or --cycle)
help-resign-arg-no-restart = Do not restart services: print the exact commands instead
help-resign-arg-no-verify = Do not check the endpoints after restarting
help-resign-arg-cycle = Run the cycle (maintenance, restarts, verify) although --root / --pki-dir is not the live /etc/pki/ovirt-engine (by default the cycle runs only on the live PKI)
help-resign-arg-verify-timeout = Seconds the endpoints may take to serve the new certificates after the restarts
help-resign-arg-endpoints = An endpoint to check, overriding its discovered address: NAME=HOST:PORT with NAME one of httpd, jboss, websocket-proxy, imageio, imageio-proxy, ovirt-provider-ovn (repeatable)
help-resign-arg-probe-timeout = Seconds one TLS probe may take
help-resign-arg-he-host = A hosted-engine host to drive global maintenance on (`localhost`: this machine)
help-resign-arg-he-api = Drive global maintenance through the Manager's REST API (the HostedEngine VM's maintenance action) instead of `hosted-engine` on a host (also done without this flag when --password-file is given)
help-resign-arg-maintenance-timeout = Seconds global maintenance may take to show after setting it
help-resign-arg-engine-url = Manager URL [default: https://<ENGINE_FQDN> from engine.conf.d]
help-heading-manager-api-he-api = Manager API (--he-api)
help-resign-arg-connect-to = Connect to this address instead of resolving the URL's host (the URL's host is still the name the certificate must carry), like curl's --connect-to
help-resign-arg-ca-file = The CA to trust for the Manager's HTTPS [default: <pki-dir>/ca.pem; use apache-ca.pem when apache has a third-party certificate]
help-resign-arg-user = The Manager user to log in as (USER@PROFILE)
help-resign-arg-password-file = File holding the password [default: $RHV_PKI_ENGINE_PASSWORD]. Never on the command line
help-resign-arg-api-timeout = Seconds per request
help-renew-about = Re-issue the certificates that expire soon, or the ones named
help-renew-long-about =
    Re-issue the certificates that expire soon, or the ones named.

    Exit codes: 0 done (or nothing was due, or --dry-run); 1 a step failed and everything was rolled back; 2 refused before changing anything (not confirmed: answered no, or no --yes and stdin is not a terminal; a check refused the plan; global maintenance could not be set); 3 usage error; 4 files changed but the maintenance cycle did not finish (a restart failed and global maintenance is kept on, restarts were refused because a hosted engine could not be ruled out, global maintenance could not be cleared, or an endpoint showed no certificate after its restart: endpoint-unreachable); 5 files changed and services restarted, but an endpoint still serves the old certificate (restart-needed).

    The maintenance cycle runs on the live PKI, or with --cycle; without it only the first four codes occur.
help-renew-arg-names = Only these certificates [default: every one that is due]
help-renew-arg-within = Renew what expires within DAYS [default: the warning window of each role, as audit: 60 for web certificates, 365 otherwise, as engine-setup; or config.toml]
help-renew-arg-keep-key = Keep each key (default)
help-renew-arg-new-key = Generate new RSA-2048 keys (never for engine)
help-renew-arg-ca-days = CA validity in days from now when a CA is re-signed [default: 3650, but never earlier than the CA's current notAfter]
help-renew-arg-days = Entity validity in days [default: 1827, web certificates 398, as oVirt 4.5]
help-renew-arg-p12-format = PKCS#12 format [default: the original's family; RC2-40 always becomes 3DES]
help-renew-arg-p12-format-value-legacy3des = PBE-SHA1-3DES + SHA-1 MAC (readable everywhere without the legacy provider)
help-renew-arg-p12-format-value-modern = PBES2/AES-256-CBC + HMAC-SHA256 (OpenSSL 3 default)
help-renew-arg-root = A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it
help-renew-arg-pki-dir = The Manager's PKI directory [default: /etc/pki/ovirt-engine]
help-renew-arg-engine-conf-dir = engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d]
help-renew-arg-p12-password-file = File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass")
help-renew-arg-dry-run = Print the plan and change nothing
help-renew-arg-yes = Apply without asking (required when stdin is not a terminal)
help-renew-arg-format = Output format
help-renew-arg-format-value-table = Text for people
help-renew-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-renew-arg-backup-dir = Where backups are kept [default: /var/lib/rhv-pki/backups, or <root>/var/lib/rhv-pki/backups]
help-renew-arg-lock-timeout = How long to wait for the CA lock held by an engine enrollment
help-renew-arg-legacy-lock-dir = The 4.2–4.4 lock directory [default: /tmp/ovirt-engine-pki.v2.lock, under --root when given]
help-renew-arg-config = Config file: `[thresholds]` windows decide what is due, as for `audit` [default: /etc/rhv-pki/config.toml if present]
help-renew-arg-no-maintenance = Do not touch hosted-engine global maintenance: this Manager is not a hosted engine, or you hold global maintenance yourself. Needed for restarts when no hosted engine is detected and none can be ruled out (--he-host / --he-api / a local hosted-engine)
help-renew-arg-no-restart = Do not restart services: print the exact commands instead
help-renew-arg-no-verify = Do not check the endpoints after restarting
help-renew-arg-cycle = Run the cycle (maintenance, restarts, verify) although --root / --pki-dir is not the live /etc/pki/ovirt-engine (by default the cycle runs only on the live PKI)
help-renew-arg-verify-timeout = Seconds the endpoints may take to serve the new certificates after the restarts
help-renew-arg-endpoints = An endpoint to check, overriding its discovered address: NAME=HOST:PORT with NAME one of httpd, jboss, websocket-proxy, imageio, imageio-proxy, ovirt-provider-ovn (repeatable)
help-renew-arg-probe-timeout = Seconds one TLS probe may take
help-renew-arg-he-host = A hosted-engine host to drive global maintenance on (`localhost`: this machine)
help-renew-arg-he-api = Drive global maintenance through the Manager's REST API (the HostedEngine VM's maintenance action) instead of `hosted-engine` on a host (also done without this flag when --password-file is given)
help-renew-arg-maintenance-timeout = Seconds global maintenance may take to show after setting it
help-renew-arg-engine-url = Manager URL [default: https://<ENGINE_FQDN> from engine.conf.d]
help-renew-arg-connect-to = Connect to this address instead of resolving the URL's host (the URL's host is still the name the certificate must carry), like curl's --connect-to
help-renew-arg-ca-file = The CA to trust for the Manager's HTTPS [default: <pki-dir>/ca.pem; use apache-ca.pem when apache has a third-party certificate]
help-renew-arg-user = The Manager user to log in as (USER@PROFILE)
help-renew-arg-password-file = File holding the password [default: $RHV_PKI_ENGINE_PASSWORD]. Never on the command line
help-renew-arg-api-timeout = Seconds per request
help-rollback-about = Restore the PKI directory and engine.conf.d from a backup, byte-identical
help-rollback-long-about =
    Restore the PKI directory and engine.conf.d from a backup, byte-identical.

    Exit codes: 0 restored (or --dry-run); 2 refused, or the restore failed (an interrupted change must be undone first; not confirmed: answered no, or no --yes and stdin is not a terminal; the lock or the backup could not be used: see the message); 3 usage error (no such backup, no completed change to roll back, not a PKI directory).
help-rollback-arg-id = Backup id (see `rhv-pki backups`) [default: the newest completed change]
help-rollback-arg-root = A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it
help-rollback-arg-pki-dir = The Manager's PKI directory [default: /etc/pki/ovirt-engine]
help-rollback-arg-engine-conf-dir = engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d]
help-rollback-arg-p12-password-file = File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass")
help-rollback-arg-dry-run = Print the plan and change nothing
help-rollback-arg-yes = Apply without asking (required when stdin is not a terminal)
help-rollback-arg-format = Output format
help-rollback-arg-format-value-table = Text for people
help-rollback-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-rollback-arg-backup-dir = Where backups are kept [default: /var/lib/rhv-pki/backups, or <root>/var/lib/rhv-pki/backups]
help-rollback-arg-lock-timeout = How long to wait for the CA lock held by an engine enrollment
help-rollback-arg-legacy-lock-dir = The 4.2–4.4 lock directory [default: /tmp/ovirt-engine-pki.v2.lock, under --root when given]
help-rollback-arg-config = Config file: `[thresholds]` windows decide what is due, as for `audit` [default: /etc/rhv-pki/config.toml if present]
help-backups-about = List rhv-pki's backups
help-backups-long-about =
    List rhv-pki's backups.

    Exit codes: 0 listed; 2 the backup directory cannot be read; 3 usage error (not a PKI directory).
help-backups-arg-root = A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it
help-backups-arg-pki-dir = The Manager's PKI directory [default: /etc/pki/ovirt-engine]
help-backups-arg-engine-conf-dir = engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d]
help-backups-arg-p12-password-file = File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass")
help-backups-arg-backup-dir = Where backups are kept [default: /var/lib/rhv-pki/backups, or <root>/var/lib/rhv-pki/backups]
help-backups-arg-format = Output format
help-backups-arg-format-value-table = Text for people
help-backups-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-hosts-about = The hosts: audit what they serve (TLS) or hold (--ssh), recover expired ones over SSH, re-enroll them in rolling maintenance waves through the Manager
help-hosts-audit-about = Read every host's certificate set and judge it against the Manager's current CAs
help-hosts-audit-long-about =
    Read every host's certificate set and judge it against the Manager's current CAs.

    Exit codes (Nagios): 0 OK; 1 WARNING; 2 CRITICAL (an unreachable host is critical); 3 UNKNOWN (bad arguments, unreadable PKI directory, the Manager could not be asked for its hosts, the textfile could not be written).
help-hosts-audit-arg-root = A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it
help-hosts-audit-arg-pki-dir = The Manager's PKI directory [default: /etc/pki/ovirt-engine]
help-hosts-audit-arg-engine-conf-dir = engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d]
help-hosts-audit-arg-p12-password-file = File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass")
help-hosts-audit-arg-ssh = Reach the hosts over SSH and read their certificate files; without it, `hosts audit` handshakes with each host's vdsm over TLS, as the engine does
help-hosts-audit-arg-hosts = A host: NAME (its address as the Manager knows it) or NAME=ADDR[:PORT] to connect elsewhere (with --ssh: the SSH address, `local` = this machine; without: the vdsm endpoint). Repeatable [default with --ssh: every host with a certs/<host>.cer in the PKI directory; without: the Manager's hosts, through its REST API]
help-hosts-audit-arg-ssh-user = The user to log in as on the hosts
help-hosts-audit-arg-ssh-key = Private key file [default: ssh-agent via SSH_AUTH_SOCK, else ~/.ssh/id_ed25519, id_rsa]
help-hosts-audit-arg-known-hosts = known_hosts file to verify host keys with [default: ~/.ssh/known_hosts]
help-hosts-audit-arg-ssh-port = SSH port of the hosts (a --host NAME=ADDR:PORT overrides it for that host)
help-hosts-audit-arg-accept-new-host-key = Record the key of a host known_hosts does not know yet (a changed key is never accepted)
help-hosts-audit-arg-connect-timeout = Seconds to connect and authenticate to one host
help-hosts-audit-arg-command-timeout = Seconds one command on a host may take
help-hosts-audit-arg-max-parallel = Hosts worked on at the same time
help-hosts-audit-arg-host-prefix = Relocate host paths under DIR ({"{"}host{"}"} = the host name), e.g. for a test bed where /etc/pki/vdsm of host h1 is DIR/h1/etc/pki/vdsm
help-hosts-audit-arg-at = Judge the certificates as of this time (YYYY-MM-DD or RFC 3339) instead of now
help-hosts-audit-arg-warn-days = Warn when a certificate expires within this many days [default: 365 for host certificates, as the Manager and hosts enroll --only-needed; or config.toml]
help-hosts-audit-arg-crit-days = Critical when a certificate expires within this many days [default: 30, or config.toml]
help-hosts-audit-arg-format = Output format
help-hosts-audit-arg-format-value-table = kubeadm-style table
help-hosts-audit-arg-format-value-json = Versioned JSON document
help-hosts-audit-arg-format-value-prometheus = Prometheus text exposition (node_exporter textfile collector)
help-hosts-audit-arg-format-value-nagios = One Nagios/NRPE/Icinga plugin line: `STATE: summary | perfdata`
help-hosts-audit-arg-textfile-dir = Also write Prometheus metrics atomically to DIR/rhv_pki_hosts.prom (node_exporter textfile collector; beside audit's rhv_pki.prom)
help-hosts-audit-arg-config = Config file (TOML thresholds per role class) [default: /etc/rhv-pki/config.toml if present]
help-hosts-audit-arg-color = Colour the table: auto = only on a terminal
help-hosts-audit-arg-policy = Also give one readiness verdict: `el9` lists what RHEL 9's DEFAULT crypto policy rejects on the hosts (SHA-1 signatures, vmconsole certificates signed ssh-rsa, RSA < 2048), each with its fix; not ready makes the exit code at least 1 (WARNING)
help-hosts-audit-arg-policy-value-el9 = RHEL 9: what its DEFAULT crypto policy rejects or OpenSSL 3 cannot read
help-hosts-audit-arg-cluster = Without --ssh: only hosts of these clusters (names)
help-hosts-audit-arg-engine-url = Manager URL [default: https://<ENGINE_FQDN> from engine.conf.d]
help-heading-manager-api-without-ssh = Manager API (without --ssh)
help-hosts-audit-arg-connect-to = Connect to this address instead of resolving the URL's host (the URL's host is still the name the certificate must carry), like curl's --connect-to
help-hosts-audit-arg-ca-file = The CA to trust for the Manager's HTTPS [default: <pki-dir>/ca.pem; use apache-ca.pem when apache has a third-party certificate]
help-hosts-audit-arg-user = The Manager user to log in as (USER@PROFILE)
help-hosts-audit-arg-password-file = File holding the password [default: $RHV_PKI_ENGINE_PASSWORD]. Never on the command line
help-hosts-audit-arg-api-timeout = Seconds per request
help-hosts-audit-arg-vdsm-port = vdsm's port on every host
help-heading-vdsm-tls-without-ssh = vdsm TLS (without --ssh)
help-hosts-audit-arg-vdsm-endpoint = Where one host's vdsm really listens: NAME=HOST:PORT (NAME is the host's name or address); repeatable
help-hosts-audit-arg-probe-timeout = Seconds per TLS handshake
help-hosts-audit-arg-probe-parallel = Handshakes at once
help-hosts-recover-about = Re-issue host certificates the Manager can no longer use (expired, CA changed) keeping each host's keys, install them, restart the services and confirm what vdsm serves
help-hosts-recover-long-about =
    Re-issue host certificates the Manager can no longer use (expired, CA changed) keeping each host's keys, install them, restart the services and confirm what vdsm serves.

    Exit codes: 0 done (or nothing due, or --dry-run with every host read); 1 a host could not be read or recovered, or the Manager write failed (Manager rolled back; the host's state is reported); 2 refused, nothing changed (not confirmed: without --yes on a stdin that is not a terminal no host is contacted; the lock or a check refused); 3 usage error.
help-hosts-recover-arg-root = A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it
help-hosts-recover-arg-pki-dir = The Manager's PKI directory [default: /etc/pki/ovirt-engine]
help-hosts-recover-arg-engine-conf-dir = engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d]
help-hosts-recover-arg-p12-password-file = File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass")
help-hosts-recover-arg-ssh = Reach the hosts over SSH and read their certificate files; without it, `hosts audit` handshakes with each host's vdsm over TLS, as the engine does
help-hosts-recover-arg-hosts = A host: NAME (its address as the Manager knows it) or NAME=ADDR[:PORT] to connect elsewhere (with --ssh: the SSH address, `local` = this machine; without: the vdsm endpoint). Repeatable [default with --ssh: every host with a certs/<host>.cer in the PKI directory; without: the Manager's hosts, through its REST API]
help-hosts-recover-arg-ssh-user = The user to log in as on the hosts
help-hosts-recover-arg-ssh-key = Private key file [default: ssh-agent via SSH_AUTH_SOCK, else ~/.ssh/id_ed25519, id_rsa]
help-hosts-recover-arg-known-hosts = known_hosts file to verify host keys with [default: ~/.ssh/known_hosts]
help-hosts-recover-arg-ssh-port = SSH port of the hosts (a --host NAME=ADDR:PORT overrides it for that host)
help-hosts-recover-arg-accept-new-host-key = Record the key of a host known_hosts does not know yet (a changed key is never accepted)
help-hosts-recover-arg-connect-timeout = Seconds to connect and authenticate to one host
help-hosts-recover-arg-command-timeout = Seconds one command on a host may take
help-hosts-recover-arg-max-parallel = Hosts worked on at the same time
help-hosts-recover-arg-host-prefix = Relocate host paths under DIR ({"{"}host{"}"} = the host name), e.g. for a test bed where /etc/pki/vdsm of host h1 is DIR/h1/etc/pki/vdsm
help-hosts-recover-arg-dry-run = Print the plan and change nothing (hosts are still read to make it)
help-hosts-recover-arg-yes = Apply without asking (required when stdin is not a terminal)
help-hosts-recover-arg-format = Output format
help-hosts-recover-arg-format-value-table = Text for people
help-hosts-recover-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-hosts-recover-arg-days = Validity of the new host certificates (VdsCertificateValidityInDays)
help-hosts-recover-arg-within = Also recover hosts whose certificates expire within DAYS
help-hosts-recover-arg-force = Re-issue even when nothing is due
help-hosts-recover-arg-no-restart = Do not restart services on the hosts: print the commands to run instead
help-hosts-recover-arg-vdsm-port = vdsm's TLS port, probed after the restart
help-hosts-recover-arg-probe-timeout = How long to wait for vdsm to serve the new certificate after the restart
help-hosts-recover-arg-backup-dir = Where backups of the Manager PKI are kept [default: /var/lib/rhv-pki/backups, under --root when given]
help-hosts-recover-arg-lock-timeout = How long to wait for the CA lock held by an engine enrollment
help-hosts-enroll-about = Re-enroll host certificates in rolling maintenance waves through the Manager: Maintenance → Enroll Certificate → Activate, then prove vdsm serves the new certificate
help-hosts-enroll-long-about =
    Re-enroll host certificates in rolling maintenance waves through the Manager: Maintenance → Enroll Certificate → Activate, then prove vdsm serves the new certificate.

    Exit codes: 0 done (or nothing to do, or --dry-run); 1 a host failed (see the report; hosts left in maintenance are listed); 2 refused before changing anything (not confirmed: answered no, or no --yes and stdin is not a terminal; login or TLS to the Manager; a saved run with other arguments; the plan cannot keep the HostedEngine VM safe); 3 usage error; 129 hangup, 130 interrupted, 143 terminated (re-run the same command to resume).
help-hosts-enroll-arg-root = A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it
help-hosts-enroll-arg-pki-dir = The Manager's PKI directory [default: /etc/pki/ovirt-engine]
help-hosts-enroll-arg-engine-conf-dir = engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d]
help-hosts-enroll-arg-p12-password-file = File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass")
help-hosts-enroll-arg-cluster = Only hosts of these clusters (names)
help-hosts-enroll-arg-host = Only these hosts (names or addresses)
help-hosts-enroll-arg-only-needed = Only hosts whose served certificate needs it: SHA-1, expiring within --within, not signed by the current CA, SAN without the address, issued before the CA was re-signed. This is the default; the flag is kept for compatibility
help-hosts-enroll-arg-all-hosts = Re-enroll every selected host, also those whose certificate is already current
help-hosts-enroll-arg-within = Certificates expiring within this many days need a re-enrollment
help-hosts-enroll-arg-discard-state = Drop the unfinished run recorded in the state file (kept beside it as `<state>.discarded`) and plan anew
help-hosts-enroll-arg-max-parallel = Never more than this many hosts out of service at once
help-hosts-enroll-arg-dry-run = Print the plan and change nothing
help-hosts-enroll-arg-yes = Run without asking (required when stdin is not a terminal)
help-hosts-enroll-arg-format = Output format
help-hosts-enroll-arg-format-value-table = Text for people
help-hosts-enroll-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-hosts-enroll-arg-state = The run's state file (resume by re-running the same command) [default: /var/lib/rhv-pki/enroll-state.json, under --root when given]
help-hosts-enroll-arg-poll-interval = Seconds between status polls
help-hosts-enroll-arg-maintenance-timeout = Seconds a host may take to reach maintenance before it is given back and the run stops
help-hosts-enroll-arg-install-start-timeout = Seconds for Enroll Certificate to start (installing / event 881)
help-hosts-enroll-arg-install-timeout = Seconds for Enroll Certificate to finish
help-hosts-enroll-arg-activate-timeout = Seconds for an activated host to come up
help-hosts-enroll-arg-settle-timeout = Seconds a host still on its way (unassigned, initializing, preparing for maintenance) is read again before the run declares where it ended up
help-hosts-enroll-arg-outage-timeout = Seconds safe reads keep being retried while the Manager is unreachable or answers 500/502/503/504 (a restart, an outage), with back-off
help-hosts-enroll-arg-engine-url = Manager URL [default: https://<ENGINE_FQDN> from engine.conf.d]
help-heading-manager-api = Manager API
help-hosts-enroll-arg-connect-to = Connect to this address instead of resolving the URL's host (the URL's host is still the name the certificate must carry), like curl's --connect-to
help-hosts-enroll-arg-ca-file = The CA to trust for the Manager's HTTPS [default: <pki-dir>/ca.pem; use apache-ca.pem when apache has a third-party certificate]
help-hosts-enroll-arg-user = The Manager user to log in as (USER@PROFILE)
help-hosts-enroll-arg-password-file = File holding the password [default: $RHV_PKI_ENGINE_PASSWORD]. Never on the command line
help-hosts-enroll-arg-api-timeout = Seconds per request
help-hosts-enroll-arg-vdsm-port = vdsm's port on every host
help-heading-vdsm-tls = vdsm TLS
help-hosts-enroll-arg-vdsm-endpoint = Where one host's vdsm really listens: NAME=HOST:PORT (NAME is the host's name or address); repeatable
help-hosts-enroll-arg-probe-timeout = Seconds per TLS handshake
help-hosts-enroll-arg-probe-parallel = Handshakes at once
help-upgrade-about = The whole upgrade-guide runbook as one resumable command: pre-checks (all reported at once), openssl.conf, re-sign what is weak or due, the maintenance cycle, host re-enrollment in waves, a final audit. `--dry-run` prints the plan and the pre-checks; the state is saved after every phase, so a re-run resumes at the failed phase and never repeats a finished one (`upgrade status` shows it, from another terminal too)
help-upgrade-long-about =
    The whole upgrade-guide runbook as one resumable command: pre-checks (all reported at once), openssl.conf, re-sign what is weak or due, the maintenance cycle, host re-enrollment in waves, a final audit. `--dry-run` prints the plan and the pre-checks; the state is saved after every phase, so a re-run resumes at the failed phase and never repeats a finished one (`upgrade status` shows it, from another terminal too).

    Exit codes: 0 complete (or nothing to do, or --dry-run with every pre-check passing); 1 a phase failed (a re-sign rolled back, or a host's enrollment failed); 2 refused before changing anything (a pre-check failed, not confirmed, the saved state is another run's), or the final audit still finds something critical; 3 usage error; 4 files changed but the maintenance cycle did not finish; 5 an endpoint still serves the old certificate; 129 hangup, 130 interrupted, 143 terminated (re-run to resume).
help-upgrade-arg-root = A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it
help-upgrade-arg-pki-dir = The Manager's PKI directory [default: /etc/pki/ovirt-engine]
help-upgrade-arg-engine-conf-dir = engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d]
help-upgrade-arg-p12-password-file = File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass")
help-upgrade-arg-dry-run = Print the plan and change nothing
help-upgrade-arg-yes = Apply without asking (required when stdin is not a terminal)
help-upgrade-arg-format = Output format
help-upgrade-arg-format-value-table = Text for people
help-upgrade-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-upgrade-arg-backup-dir = Where backups are kept [default: /var/lib/rhv-pki/backups, or <root>/var/lib/rhv-pki/backups]
help-upgrade-arg-lock-timeout = How long to wait for the CA lock held by an engine enrollment
help-upgrade-arg-legacy-lock-dir = The 4.2–4.4 lock directory [default: /tmp/ovirt-engine-pki.v2.lock, under --root when given]
help-upgrade-arg-config = Config file: `[thresholds]` windows decide what is due, as for `audit` [default: /etc/rhv-pki/config.toml if present]
help-upgrade-arg-ca-days = CA validity in days from now when a CA is re-signed [default: 3650, but never earlier than the CA's current notAfter]
help-upgrade-arg-days = Entity validity in days [default: 1827, web certificates 398, as oVirt 4.5]
help-upgrade-arg-p12-format = PKCS#12 format [default: the original's family; RC2-40 always becomes 3DES]
help-upgrade-arg-p12-format-value-legacy3des = PBE-SHA1-3DES + SHA-1 MAC (readable everywhere without the legacy provider)
help-upgrade-arg-p12-format-value-modern = PBES2/AES-256-CBC + HMAC-SHA256 (OpenSSL 3 default)
help-upgrade-arg-state = The upgrade's saved state [default: <backup-dir>/upgrade-state.json]
help-upgrade-arg-discard-state = Drop an unfinished upgrade's saved state and start over (the PKI is re-read; what was done stays done, and the new plan finds it so)
help-upgrade-arg-exclude-hosts = Leave this host out (its status does not block the pre-checks; it is not enrolled)
help-upgrade-arg-max-parallel = Hosts out of service at once during the enrollment
help-upgrade-arg-vdsm-port = vdsm's port on every host
help-heading-vdsm-tls-the-hosts-the-probe-timeout-is-probe-timeout = vdsm TLS (the hosts; the probe timeout is --probe-timeout)
help-upgrade-arg-vdsm-endpoint = Where one host's vdsm really listens: NAME=HOST:PORT; repeatable
help-upgrade-arg-probe-parallel = vdsm handshakes at once
help-upgrade-arg-poll-interval = Seconds between two looks at the Manager during the enrollment
help-upgrade-arg-no-maintenance = Do not touch hosted-engine global maintenance: this Manager is not a hosted engine, or you hold global maintenance yourself. Needed for restarts when no hosted engine is detected and none can be ruled out (--he-host / --he-api / a local hosted-engine)
help-heading-maintenance-cycle-and-manager = Maintenance cycle and Manager
help-upgrade-arg-no-restart = Do not restart services: print the exact commands instead
help-upgrade-arg-no-verify = Do not check the endpoints after restarting
help-upgrade-arg-cycle = Run the cycle (maintenance, restarts, verify) although --root / --pki-dir is not the live /etc/pki/ovirt-engine (by default the cycle runs only on the live PKI)
help-upgrade-arg-verify-timeout = Seconds the endpoints may take to serve the new certificates after the restarts
help-upgrade-arg-endpoints = An endpoint to check, overriding its discovered address: NAME=HOST:PORT with NAME one of httpd, jboss, websocket-proxy, imageio, imageio-proxy, ovirt-provider-ovn (repeatable)
help-upgrade-arg-probe-timeout = Seconds one TLS probe may take
help-upgrade-arg-he-host = A hosted-engine host to drive global maintenance on (`localhost`: this machine)
help-upgrade-arg-he-api = Drive global maintenance through the Manager's REST API (the HostedEngine VM's maintenance action) instead of `hosted-engine` on a host (also done without this flag when --password-file is given)
help-upgrade-arg-maintenance-timeout = Seconds global maintenance may take to show after setting it
help-upgrade-arg-engine-url = Manager URL [default: https://<ENGINE_FQDN> from engine.conf.d]
help-upgrade-arg-connect-to = Connect to this address instead of resolving the URL's host (the URL's host is still the name the certificate must carry), like curl's --connect-to
help-upgrade-arg-ca-file = The CA to trust for the Manager's HTTPS [default: <pki-dir>/ca.pem; use apache-ca.pem when apache has a third-party certificate]
help-upgrade-arg-user = The Manager user to log in as (USER@PROFILE)
help-upgrade-arg-password-file = File holding the password [default: $RHV_PKI_ENGINE_PASSWORD]. Never on the command line
help-upgrade-arg-api-timeout = Seconds per request
help-upgrade-status-about = Show the saved upgrade's phases and conditions (read-only; safe while it runs)
help-upgrade-status-long-about =
    Show the saved upgrade's phases and conditions (read-only; safe while it runs).

    Exit codes: 0 shown; 3 usage error (no upgrade was started here, the state file is unreadable).
help-upgrade-status-arg-root = A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it
help-upgrade-status-arg-pki-dir = The Manager's PKI directory [default: /etc/pki/ovirt-engine]
help-upgrade-status-arg-engine-conf-dir = engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d]
help-upgrade-status-arg-p12-password-file = File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass")
help-upgrade-status-arg-backup-dir = Where backups are kept (the state file is there unless --state says otherwise)
help-upgrade-status-arg-state = The upgrade's saved state [default: <backup-dir>/upgrade-state.json]
help-upgrade-status-arg-format = Output format
help-upgrade-status-arg-format-value-table = Text for people
help-upgrade-status-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-maintenance-about = Hosted-engine global maintenance, service restarts and endpoint checks, one step at a time (resign / renew run them all as one cycle)
help-maintenance-on-about = Set hosted-engine global maintenance and read it back
help-maintenance-on-long-about =
    Set hosted-engine global maintenance and read it back.

    Exit codes: 0 on (read back); 2 it did not take, or --he-host cannot be reached; 3 usage error, no hosted engine found, or hosted-engine failed.
help-maintenance-on-arg-format = Output format
help-maintenance-on-arg-format-value-table = Text for people
help-maintenance-on-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-maintenance-on-arg-he-host = A hosted-engine host to drive global maintenance on (`localhost`: this machine)
help-maintenance-on-arg-he-api = Drive global maintenance through the Manager's REST API (the HostedEngine VM's maintenance action) instead of `hosted-engine` on a host (also done without this flag when --password-file is given)
help-maintenance-on-arg-maintenance-timeout = Seconds global maintenance may take to show after setting it
help-maintenance-on-arg-engine-url = Manager URL [default: https://<ENGINE_FQDN> from engine.conf.d]
help-maintenance-on-arg-connect-to = Connect to this address instead of resolving the URL's host (the URL's host is still the name the certificate must carry), like curl's --connect-to
help-maintenance-on-arg-ca-file = The CA to trust for the Manager's HTTPS [default: <pki-dir>/ca.pem; use apache-ca.pem when apache has a third-party certificate]
help-maintenance-on-arg-user = The Manager user to log in as (USER@PROFILE)
help-maintenance-on-arg-password-file = File holding the password [default: $RHV_PKI_ENGINE_PASSWORD]. Never on the command line
help-maintenance-on-arg-api-timeout = Seconds per request
help-maintenance-off-about = Clear global maintenance and read it back
help-maintenance-off-long-about =
    Clear global maintenance and read it back.

    Exit codes: 0 off (read back); 2 it did not clear, or --he-host cannot be reached; 3 usage error, no hosted engine found, or hosted-engine failed.
help-maintenance-off-arg-format = Output format
help-maintenance-off-arg-format-value-table = Text for people
help-maintenance-off-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-maintenance-off-arg-he-host = A hosted-engine host to drive global maintenance on (`localhost`: this machine)
help-maintenance-off-arg-he-api = Drive global maintenance through the Manager's REST API (the HostedEngine VM's maintenance action) instead of `hosted-engine` on a host (also done without this flag when --password-file is given)
help-maintenance-off-arg-maintenance-timeout = Seconds global maintenance may take to show after setting it
help-maintenance-off-arg-engine-url = Manager URL [default: https://<ENGINE_FQDN> from engine.conf.d]
help-maintenance-off-arg-connect-to = Connect to this address instead of resolving the URL's host (the URL's host is still the name the certificate must carry), like curl's --connect-to
help-maintenance-off-arg-ca-file = The CA to trust for the Manager's HTTPS [default: <pki-dir>/ca.pem; use apache-ca.pem when apache has a third-party certificate]
help-maintenance-off-arg-user = The Manager user to log in as (USER@PROFILE)
help-maintenance-off-arg-password-file = File holding the password [default: $RHV_PKI_ENGINE_PASSWORD]. Never on the command line
help-maintenance-off-arg-api-timeout = Seconds per request
help-maintenance-status-about = Show global maintenance and the HE hosts
help-maintenance-status-long-about =
    Show global maintenance and the HE hosts.

    Exit codes: 0 shown; 2 --he-host cannot be reached; 3 no hosted engine found, usage error, or hosted-engine failed.
help-maintenance-status-arg-format = Output format
help-maintenance-status-arg-format-value-table = Text for people
help-maintenance-status-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-maintenance-status-arg-he-host = A hosted-engine host to drive global maintenance on (`localhost`: this machine)
help-maintenance-status-arg-he-api = Drive global maintenance through the Manager's REST API (the HostedEngine VM's maintenance action) instead of `hosted-engine` on a host (also done without this flag when --password-file is given)
help-maintenance-status-arg-maintenance-timeout = Seconds global maintenance may take to show after setting it
help-maintenance-status-arg-engine-url = Manager URL [default: https://<ENGINE_FQDN> from engine.conf.d]
help-maintenance-status-arg-connect-to = Connect to this address instead of resolving the URL's host (the URL's host is still the name the certificate must carry), like curl's --connect-to
help-maintenance-status-arg-ca-file = The CA to trust for the Manager's HTTPS [default: <pki-dir>/ca.pem; use apache-ca.pem when apache has a third-party certificate]
help-maintenance-status-arg-user = The Manager user to log in as (USER@PROFILE)
help-maintenance-status-arg-password-file = File holding the password [default: $RHV_PKI_ENGINE_PASSWORD]. Never on the command line
help-maintenance-status-arg-api-timeout = Seconds per request
help-maintenance-verify-about = Check that every TLS endpoint serves the certificate on disk
help-maintenance-verify-long-about =
    Check that every TLS endpoint serves the certificate on disk.

    Exit codes: 0 every endpoint serves its file, 3 usage error (no endpoint known), 4 an endpoint could not be checked (endpoint-unreachable: refused, timed out, handshake failed; or its file cannot be read), 5 an endpoint serves another certificate than its file (restart-needed).
help-maintenance-verify-arg-root = A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it
help-maintenance-verify-arg-pki-dir = The Manager's PKI directory [default: /etc/pki/ovirt-engine]
help-maintenance-verify-arg-engine-conf-dir = engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d]
help-maintenance-verify-arg-p12-password-file = File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass")
help-maintenance-verify-arg-endpoints = An endpoint to check, overriding its discovered address: NAME=HOST:PORT with NAME one of httpd, jboss, websocket-proxy, imageio, imageio-proxy, ovirt-provider-ovn (repeatable)
help-maintenance-verify-arg-probe-timeout = Seconds one TLS probe may take
help-maintenance-verify-arg-wait = Keep probing up to SECONDS until every endpoint serves its file (0: probe once)
help-maintenance-verify-arg-format = Output format
help-maintenance-verify-arg-format-value-table = Text for people
help-maintenance-verify-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-maintenance-restart-about = Restart the services that read the named certificates, under global maintenance, and verify their endpoints
help-maintenance-restart-long-about =
    Restart the services that read the named certificates, under global maintenance, and verify their endpoints.

    Exit codes: 0 restarted and verified (or --dry-run); 2 refused, nothing restarted (a copy without --cycle, no unit here that reads the names, restarts refused because a hosted engine could not be ruled out, --no-restart, global maintenance could not be set); 3 usage error; 4 a restart failed (global maintenance kept on), global maintenance could not be cleared, or an endpoint showed no certificate after its restart (endpoint-unreachable); 5 an endpoint still serves the old certificate (restart-needed).
help-maintenance-restart-arg-names = Certificates whose services to restart: ca, engine, apache, websocket-proxy, …
help-maintenance-restart-arg-root = A filesystem root holding etc/pki/ovirt-engine and etc/ovirt-engine/engine.conf.d (a restored backup, a copy, the shipped samples). Absolute symlinks resolve under it
help-maintenance-restart-arg-pki-dir = The Manager's PKI directory [default: /etc/pki/ovirt-engine]
help-maintenance-restart-arg-engine-conf-dir = engine.conf.d to read ENGINE_FQDN from [default: /etc/ovirt-engine/engine.conf.d when auditing the live PKI, or <root>/etc/ovirt-engine/engine.conf.d]
help-maintenance-restart-arg-p12-password-file = File holding the PKCS#12 password (default: $RHV_PKI_P12_PASSWORD; audit: else ENGINE_PKI_ENGINE_STORE_PASSWORD of engine.conf.d; else oVirt's "mypass")
help-maintenance-restart-arg-dry-run = Print the plan and do nothing
help-maintenance-restart-arg-format = Output format
help-maintenance-restart-arg-format-value-table = Text for people
help-maintenance-restart-arg-format-value-json = A JSON document (`kind`, `apiVersion`)
help-maintenance-restart-arg-no-maintenance = Do not touch hosted-engine global maintenance: this Manager is not a hosted engine, or you hold global maintenance yourself. Needed for restarts when no hosted engine is detected and none can be ruled out (--he-host / --he-api / a local hosted-engine)
help-heading-maintenance-cycle = Maintenance cycle
help-maintenance-restart-arg-no-restart = Do not restart services: print the exact commands instead
help-maintenance-restart-arg-no-verify = Do not check the endpoints after restarting
help-maintenance-restart-arg-cycle = Run the cycle (maintenance, restarts, verify) although --root / --pki-dir is not the live /etc/pki/ovirt-engine (by default the cycle runs only on the live PKI)
help-maintenance-restart-arg-verify-timeout = Seconds the endpoints may take to serve the new certificates after the restarts
help-maintenance-restart-arg-endpoints = An endpoint to check, overriding its discovered address: NAME=HOST:PORT with NAME one of httpd, jboss, websocket-proxy, imageio, imageio-proxy, ovirt-provider-ovn (repeatable)
help-maintenance-restart-arg-probe-timeout = Seconds one TLS probe may take
help-maintenance-restart-arg-he-host = A hosted-engine host to drive global maintenance on (`localhost`: this machine)
help-maintenance-restart-arg-he-api = Drive global maintenance through the Manager's REST API (the HostedEngine VM's maintenance action) instead of `hosted-engine` on a host (also done without this flag when --password-file is given)
help-maintenance-restart-arg-maintenance-timeout = Seconds global maintenance may take to show after setting it
help-maintenance-restart-arg-engine-url = Manager URL [default: https://<ENGINE_FQDN> from engine.conf.d]
help-maintenance-restart-arg-connect-to = Connect to this address instead of resolving the URL's host (the URL's host is still the name the certificate must carry), like curl's --connect-to
help-maintenance-restart-arg-ca-file = The CA to trust for the Manager's HTTPS [default: <pki-dir>/ca.pem; use apache-ca.pem when apache has a third-party certificate]
help-maintenance-restart-arg-user = The Manager user to log in as (USER@PROFILE)
help-maintenance-restart-arg-password-file = File holding the password [default: $RHV_PKI_ENGINE_PASSWORD]. Never on the command line
help-maintenance-restart-arg-api-timeout = Seconds per request
help-generate-about = Print shell completions, the man page (generated from these definitions) or the JSON schemas of the `--format json` documents; with `man --out-dir DIR`, write rhv-pki.1 and one page per subcommand (rhv-pki-audit.1, …); with `schema --out-dir DIR`, every schema
help-generate-long-about =
    Print shell completions, the man page (generated from these definitions) or the JSON schemas of the `--format json` documents; with `man --out-dir DIR`, write rhv-pki.1 and one page per subcommand (rhv-pki-audit.1, …); with `schema --out-dir DIR`, every schema.

    Exit codes: 0 printed or written; 3 usage error or the output could not be written.
help-generate-arg-what = What to print: a shell's completion script, the man page, or a JSON schema
help-generate-arg-what-value-bash = bash completion (source it, or install it as /usr/share/bash-completion/completions/rhv-pki)
help-generate-arg-what-value-zsh = zsh completion (install it as `_rhv-pki` in a directory of $fpath)
help-generate-arg-what-value-fish = fish completion (install it as ~/.config/fish/completions/rhv-pki.fish)
help-generate-arg-what-value-man = The man page, roff (with --out-dir: one page per subcommand)
help-generate-arg-what-value-schema = The JSON schema (draft 2020-12) of a `--format json` document, by its `kind`
help-generate-arg-name = `schema` only: the document kind whose schema to print (PkiAudit, PkiChange, PkiRollback, PkiBackups, EnrollPlan, EnrollReport, HostRecovery); without it and --out-dir, the kinds are listed
help-generate-arg-out-dir = Write every man page (man) or every schema as NAME.schema.json (schema) into DIR instead of printing one
help-clap-usage = Usage:
help-clap-options = Options
help-clap-arguments = Arguments
help-clap-commands = Commands
help-clap-help = Print help (see more with '--help')
help-clap-help-long = Print help (see a summary with '-h')
help-clap-version = Print version
help-clap-help-command = Print this message or the help of the given subcommand(s)
help-possible-values = [possible values: { $values }]
help-clap-default = [default: { $value }]
help-possible-values-heading = Possible values:

## upgrade (cli)
upgrade-plan = PLAN
upgrade-prechecks = PRE-CHECKS
upgrade-check-pass = PASS
upgrade-check-fail = FAIL
upgrade-check-skip = SKIP
upgrade-fix = fix: { $fix }
upgrade-will-run = run
upgrade-will-skip = skip
upgrade-state-pending = pending
upgrade-state-running = running
upgrade-state-done = done
upgrade-state-skipped = skipped
upgrade-state-failed = failed
upgrade-col-phase = PHASE
upgrade-col-state = STATE
upgrade-col-detail = DETAIL
upgrade-col-condition = CONDITION
upgrade-col-status = STATUS
upgrade-col-reason = REASON
upgrade-col-since = SINCE
upgrade-col-message = MESSAGE
upgrade-since = since { $time }
upgrade-progress = rhv-pki upgrade: phase { $phase }
upgrade-resuming = rhv-pki upgrade: resuming the saved upgrade in { $file } at phase { $phase }
upgrade-done = upgrade complete
upgrade-nothing-to-do = the upgrade in { $file } is complete; nothing to do
upgrade-stopped = stopped at phase { $phase }: { $reason }
upgrade-resume-hint = re-run the same command to resume there (finished phases are not repeated); status: { $command }
upgrade-refused = { $count } pre-check(s) failed; nothing was changed (each FAIL line says its fix)
upgrade-fix-pki-readable = run as root on the Manager, or point --root / --pki-dir at the PKI
upgrade-fix-ca-key = restore private/ca.pem from an engine-backup: the CA cannot be re-signed without it
upgrade-fix-p12-password = give the stores' password with --p12-password-file (engine-setup's default is mypass)
upgrade-fix-no-unfinished-change = finish or undo it first: `rhv-pki rollback --root R` restores the backup it made
upgrade-fix-backup-writable = create it or choose another with --backup-dir
upgrade-fix-backup-space = free space there, or choose another --backup-dir
upgrade-fix-engine-reachable = check --engine-url, --ca-file, --user and --password-file
upgrade-fix-hosts-up = bring them Up, or leave them out with --exclude-host NAME (they keep their certificates until enrolled later)
upgrade-fix-hosted-engine-unknown = make `hosted-engine --vm-status` work on a hosted-engine host, or use --he-api
upgrade-fix-hosted-engine-agents = start ovirt-ha-agent / ovirt-ha-broker on those hosts and wait for a score
upgrade-fix-capacity = migrate or stop VMs, or add a host, so one host's VMs fit on the others
upgrade-fix-placement = see `rhv-pki hosts enroll --dry-run` for the constraint; lower --max-parallel or exclude the host
upgrade-fix-host-certs-api = this Manager ({ $version }) accepts Enroll Certificate on NonResponsive hosts: `rhv-pki hosts enroll --host { $host }` first, or recover them over SSH
upgrade-fix-host-certs-ssh = this Manager ({ $version }) refuses Enroll Certificate on NonResponsive hosts (4.5 and later accept it): recover them over SSH first: `rhv-pki hosts recover --ssh --host { $host }`
upgrade-fix-host-certs-ssh-unknown = the Manager's version is unknown: recover them over SSH first: `rhv-pki hosts recover --ssh --host { $host }`
upgrade-detail-readable = { $path } is readable
upgrade-detail-ca-key = the CA private key is present
upgrade-detail-p12-password = the PKCS#12 password opens the stores
upgrade-detail-no-unfinished = no interrupted change is pending
upgrade-detail-writable = { $path } is writable
upgrade-detail-space-short = { $path } has { $free } bytes free; a backup needs { $needed } (twice that is required, for the transaction's new files too)
upgrade-detail-space = { $free } bytes free, a backup needs { $needed }
upgrade-detail-space-unknown = free space could not be measured
upgrade-detail-no-engine-url = no --engine-url: the hosts are not part of this run (enroll them later with `rhv-pki hosts enroll`)
upgrade-detail-engine-reachable = logged in; { $count } hosts listed
upgrade-detail-not-judged = not judged: the Manager could not be read
upgrade-detail-hosts-up = every host is Up or deliberately excluded
upgrade-detail-not-up = not Up: { $hosts }
upgrade-detail-not-hosted-engine = not a hosted-engine Manager
upgrade-detail-he-unknown = the hosted-engine state is unknown: { $error }
upgrade-detail-he-agents = HA agent not active on: { $hosts }
upgrade-detail-he-ok = hosted-engine state known, every HA agent active
upgrade-detail-capacity = every cluster can take one host out (N-1 memory)
upgrade-detail-placement = SPM and hosted-engine constraints are satisfiable
upgrade-detail-host-certs = no host certificate has expired
upgrade-resume = re-run the same `rhv-pki upgrade` command to resume
upgrade-cond-phase-running = phase { $phase } is running (if no rhv-pki upgrade is running, it was interrupted: { $resume })
upgrade-cond-complete = every phase is finished
upgrade-cond-failed = stopped: { $resume }
upgrade-cond-not-started = no phase has run yet
upgrade-cond-paused = next phase: { $phase }; { $resume }
upgrade-cond-phase-failed = phase { $phase } failed: { $reason }; { $resume }
upgrade-cond-as-expected = no phase has failed
upgrade-cond-restarting = the maintenance cycle is restarting the Manager's services
upgrade-cond-cycle-failed = the maintenance cycle did not finish: check the Manager's services and global maintenance
upgrade-cond-in-service = the Manager's services are in service
upgrade-cond-all-finished = every phase is done or skipped
upgrade-cond-phases-left = left: { $phases }

## usage errors (clap's, in the admin's language)
usage-error = error
usage-unknown-argument = unexpected argument '{ $arg }' found
usage-unknown-subcommand = unrecognized subcommand '{ $name }'
usage-invalid-value = invalid value '{ $value }' for '{ $arg }' (possible values: { $valid })
usage-value-validation = invalid value '{ $value }' for '{ $arg }': { $reason }
usage-missing-required = the following required arguments were not provided: { $args }
usage-conflict = the argument '{ $arg }' cannot be used with '{ $other }'
usage-bad-values = wrong number of values for '{ $arg }'
usage-more = For more information, try '--help'.

## upgrade phrases (the plan's and the phases' English details, shown translated)
phrase-up-prechecks = every pre-check, all reported at once
phrase-up-nothing-changes = nothing changes
phrase-up-conf-set = set default_md = sha256 in openssl.conf (now { $value } at line { $line })
phrase-up-conf-add = add default_md = sha256 to openssl.conf
phrase-up-conf-done = openssl.conf already says default_md = sha256
phrase-up-resign = resign --all: re-sign (keeping keys) every CA and entity that is weak or due, in one transaction with a backup (`rhv-pki resign --all --dry-run` lists them)
phrase-up-cycle = global maintenance (hosted engine), restart the services whose certificates the re-sign changed (all of them when the CA changed; none when nothing was due), verify what the endpoints serve, leave global maintenance
phrase-up-cycle-not-live-plan = not the live PKI (--root / --pki-dir): no services to restart (--cycle runs it anyway)
phrase-up-cycle-not-live = not the live PKI (--root / --pki-dir): no services to restart
phrase-up-enroll = hosts enroll --only-needed: Maintenance → Enroll Certificate → Activate, at most { $count } host(s) out at once
phrase-up-enroll-later = no --engine-url: the hosts are left to a later `rhv-pki hosts enroll --only-needed`
phrase-up-enroll-skip = no --engine-url: enroll the hosts later with `rhv-pki hosts enroll --only-needed`
phrase-up-final = audit the PKI again: nothing critical may remain
phrase-up-prechecks-passed = pre-checks passed
phrase-up-resigned = re-signed what was weak or due (see the report above)
phrase-up-enrolled = hosts enrolled where needed (see the report above)
phrase-up-restarted = restarted and verified
phrase-up-no-service-certs = no service certificates present
phrase-up-nothing-resigned = the re-sign phase changed no certificate: no service to restart
phrase-up-every-excluded = every host is excluded
phrase-up-final-done = { $count } certificates, nothing critical, { $sha1 } SHA-1 signature(s) left
phrase-up-still-critical = still critical: { $names }
phrase-up-signal = stopped by a signal (exit { $code })
phrase-up-exit = exit { $code } ({ $status }); its report is above

## reasons: rhv-pki's own words inside a finding's reason (pki::Error::detail_text, the audit's
## unreadable files); their English is the JSON's reason, byte for byte
pki-error-in-file = { $path }: { $detail }
pki-error-io = cannot read: { $error }
pki-error-no-certificate = no certificate found (no PEM block and not DER)
pki-error-truncated-pem = PEM block '{ $label }' starting at byte { $offset } has no END line (truncated file?)
pki-error-bad-base64 = PEM block '{ $label }' is not valid base64: { $reason }
pki-error-bad-certificate = not a valid X.509 certificate: { $reason }
pki-error-no-key = no private key found
pki-error-bad-key = private key cannot be read: { $reason }
pki-error-p12-open = PKCS#12 cannot be opened with the configured password (wrong password or corrupt file): { $reason }
pki-error-p12-format = not a PKCS#12 file: { $reason }
pki-error-p12-refused = PKCS#12 cannot be opened here: this OpenSSL refuses { $algorithms } (FIPS mode, or no legacy provider); the file is not known to be bad
pki-error-p12-iterations = PKCS#12 { $what } iteration count { $count } is above rhv-pki's limit of { $limit } (OpenSSL writes 2048, keytool 10000); not opened, no key derived (it would take minutes); re-export the store with ordinary counts
pki-error-p12-missing = PKCS#12 holds no { $what }
pki-error-part-certificate = certificate
pki-error-part-key = private key
pki-error-too-large = file is larger than { $limit } bytes; refusing to read it as a certificate or key
pki-error-bad-config = line { $line }: { $reason }
pki-error-password-nul = password must not contain a NUL byte
reason-dangling-symlink = dangling symlink to { $target }
reason-internal-error = internal error while auditing this file
reason-internal-error-panic = internal error while auditing this file: { $panic }
reason-truststore-unreadable = { $error } (password from { $origin })
reason-password-default = oVirt's default
reason-truststore-holds = the store holds { $held }, { $file } is { $ca }
reason-cert-described = { $subject } (serial { $serial }, SHA-256 { $fingerprint }…)
reason-cert-unparsable = unparsable certificate
reason-not-openssh-cert = not an OpenSSH certificate: { $error }
reason-not-openssh-public-key-in = { $file }: not an OpenSSH public key
reason-not-openssh-cert-in = { $file }: not an OpenSSH certificate

## plans: the re-sign's notes and skips and `hosts enroll`'s left-out hosts (the library's
## English, shown translated by src/cli/phrases.rs)
phrase-already-named = named: already { $alg }, not due
phrase-vmconsole-kept = { $files } stay as they are: signed by the CA key, which the re-sign keeps (ca.pub on the hosts is unchanged); `rhv-pki renew` re-issues them when they are due
phrase-apache-other-ca = holds another CA ({ $subject }), not a copy of ca.pem: apache's certificate is from a third-party CA
phrase-left-as-is = left as is
phrase-skip-non-responsive = non_responsive: the Manager cannot reach it; its certificate has likely expired — use `rhv-pki hosts recover --ssh`
phrase-skip-status = status is { $status }; only up or maintenance hosts are cycled
phrase-skip-pinned = VM { $vm } is pinned to this host (placement_policy.affinity=pinned): migrate or shut it down first
phrase-wave-last-up = the only Up host of cluster { $cluster }: taking it out would leave none
phrase-wave-capacity = its VMs ({ $vm } MiB) do not fit in the other Up hosts of cluster { $cluster } ({ $free } MiB schedulable)
phrase-wave-he = no other hosted-engine host with an active HA agent (score > 0) and room for the HostedEngine VM would stay up while it is out ({ $rest })
phrase-he-no-other = there is no other hosted-engine host
phrase-he-agent-inactive = { $host }'s HA agent is not active
phrase-he-score = { $host }'s HA score is { $score }
phrase-he-local-maintenance = { $host } is in hosted-engine local maintenance
phrase-he-no-room = { $host } would have { $free } MiB free, the HostedEngine VM needs { $need } MiB
phrase-he-out-together = { $host } would be out at the same time
phrase-he-not-up = { $host } is not up
phrase-and = {" and "}

## audit: what a `missing` finding names, in rhv-pki's words (the JSON's `what`, byte for byte)
missing-ca = ca.pem (the engine CA; nothing can be verified)
missing-truststore = .truststore (the engine cannot verify vdsm or SSO over HTTPS)
missing-openssl-conf = openssl.conf (the CA configuration)
missing-ca-database = { $file } (openssl ca cannot issue without it)
missing-p12-key = private key inside the PKCS#12
missing-p12-cert = certificate inside the PKCS#12
missing-key-store = { $file } (the entity's key store)
missing-ca-key = { $file } (the CA's private key; nothing can be signed)
missing-apache-ca = apache-ca.pem (httpd's SSLCACertificateFile)
missing-vmconsole = { $file } (certs/{ $entity }.pub is there: the vmconsole proxy is set up)
missing-link = { $path } as a symlink to { $target } (found { $found })
missing-found-link = a link to { $target }
missing-found-file = a regular file
missing-host-link = { $path } (symlink to { $target }, created by host-deploy since 4.4.6.5)

## audit: why a name is not a host name (a SAN's dNSName, ENGINE_FQDN), and ENGINE_FQDN unknown
name-empty = empty
name-line-break = contains a line break
name-not-utf8 = contains a byte that is not UTF-8
name-char = contains '{ $char }'
name-codepoint = contains the character U+{ $code }
name-too-long = { $len } characters, at most 253
name-empty-label = empty label (leading, trailing or double dot)
name-wildcard = '*' is only allowed as the whole leftmost label
name-label-too-long = label of { $len } characters, at most 63
name-hyphen = label '{ $label }' starts or ends with a hyphen
name-numeric-tld = all-numeric top-level label (not an IP address either)
fqdn-invalid = { $file }: ENGINE_FQDN { $value } is not a valid host name ({ $why }); fix it before issuing certificates for it
fqdn-not-set = no ENGINE_FQDN in engine.conf.d
fqdn-no-conf-dir = no engine.conf.d given (--engine-conf-dir)
serial-empty = empty
serial-not-hex = '{ $text }' is not a hex serial
reason-pkey-failed = openssl pkey failed (is openssl installed on the host?)

## recover: the plan's reasons, notes and skips (the JSON's English, byte for byte)
recover-reason-finding = { $path }: { $code } ({ $message })
recover-note-vmconsole = { $path }: { $message } — vmconsole certificates are renewed by Enroll Certificate once the host is back
recover-note-no-migrate-key = { $key } missing or unreadable: libvirt-migrate certificate not re-issued
recover-note-no-ovn-key = { $key } missing or unreadable: OVN certificate not re-issued
recover-note-not-vdsm-key = { $path }: left alone, { $key } is not the vdsm key
recover-note-key-missing = { $path }: left alone, { $key } missing or unreadable
recover-nothing-due = nothing due (certificates valid, CA copies current)

## Change commands' error lines (resign, renew, rollback): rhv-pki's own words; the JSON and
## logs keep the English, which is each error's Display byte for byte
change-stale = the PKI directory changed since the plan was made ({ $what }); nothing was changed, run again
change-verify-failed = verification failed after writing, everything was rolled back (backup { $backup }): { $reason }
change-rolled-back = { $reason }; everything was rolled back (backup { $backup })
change-nothing-changed = { $error }; nothing was changed
change-broken-entry = { $name }: { $why }
change-list = { $first }; { $rest }
change-third-party = third-party certificate (issuer { $issuer }), not signed by { $ca }; renew it at its CA
change-broken-p12-mismatch = keys/{ $name }.p12: key and certificate do not match
change-broken-cer-differs = certs/{ $name }.cer is not the certificate inside keys/{ $name }.p12 (engine-setup would not renew it either); restore matching files first
change-broken-nopass-mismatch = keys/{ $name }.key.nopass does not belong to the certificate; restore matching files first
change-broken-restore = { $error }; restore it first
refusal-not-a-directory = { $dir }: not a directory (is this the Manager's PKI directory?)
refusal-ca-missing = { $path }: missing; nothing can be signed (restore ca.pem, e.g. from certs/ca.der)
refusal-ca-key-missing = { $path }: the { $ca } private key is missing; cannot sign anything (restore it from a backup)
refusal-ca-key-mismatch = { $path }: does not belong to { $cert }; refusing to sign
refusal-unknown-name = unknown certificate name '{ $name }'; known: { $known }
refusal-engine-key-named = refusing to rotate the engine key: it decrypts the secrets in the engine database, is the SSH key to every host and signs console tickets; renew engine with --keep-key
refusal-engine-key-due = refusing to rotate the engine key (engine is due): it decrypts the engine database secrets and is the SSH key to every host; run without --new-key, or name the other certificates explicitly
refusal-not-enrolled = { $path }: no such file; { $name } is not enrolled on this Manager
refusal-hands-off = { $name }: { $why }; refusing to touch it
refusal-broken = not re-signing anything while files are broken (restore them, or name the other certificates explicitly): { $broken }
refusal-conf-dir-none = engine.conf.d (none given)
refusal-no-engine-fqdn = ENGINE_FQDN not found in { $dir }; needed for { $needed_for }
refusal-missing = { $path }: missing; nothing was changed
refusal-same-file = { $first } and { $second } are the same file ({ $real }) through a symbolic link; each must be its own file, nothing was changed
refusal-truststore = { $path }: { $error } (trust store password from { $from }); nothing was changed
refusal-truststore-default-password = oVirt's default
store-integrity = integrity check failed (wrong password or corrupt file)
refusal-not-writable = { $dir }: not writable ({ $error }); nothing was changed
txn-io = { $path }: { $op }: { $error }
txn-lock-timeout = { $path }: still locked by another process after { $secs } s (an engine host enrollment or another rhv-pki run); nothing was changed
txn-escapes = { $path }: path escapes the PKI directory
txn-is-directory = { $path }: is a directory
txn-bad-manifest = { $path }: not a valid backup manifest: { $error }
txn-checksum = { $path }: backup copy does not match its manifest checksum
txn-other-pki = { $backup }: backup is of { $of }, not of { $dir }
txn-no-such-backup = backup { $id } not found under { $root }
txn-link = { $path }: a symbolic link to { $target }, which { $why }; rhv-pki only writes through links that stay inside { $root } (replace the link by the file, or point it inside)
txn-link-loops = loops (a chain of links that never ends)
txn-link-dangling = does not exist (a dangling link)
txn-link-leaves = leaves the PKI directory
txn-link-not-file = is not a regular file

## Findings' reasons built outside the audit: an SSH host key refused (host-key-unverified),
## what an interrupted change's journal says (interrupted-change)
ssh-key-name = { $algorithm } key { $fingerprint } of { $host } (port { $port })
ssh-key-unknown = { $what } is not in { $known_hosts }; refusing to connect (verify the fingerprint on the host with `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub`, then rerun with --accept-new-host-key to record it)
ssh-key-changed = { $what } does NOT match the { $recorded_type } key recorded in { $known_hosts } line { $line }: the host key changed (reinstalled host, or someone is intercepting the connection); refusing to connect. If the change is legitimate, remove the old entry with `ssh-keygen -R { $name } -f { $known_hosts }`
ssh-key-revoked = { $what } is marked @revoked in { $known_hosts } line { $line }; refusing to connect
journal-before-command = before rhv-pki { $command }
journal-before-rollback = before rollback to { $backup }
## A TLS probe that saw no certificate (endpoint-unreachable)
probe-at = { $endpoint }: { $detail }
probe-resolve = cannot resolve: { $reason }
probe-connect = cannot connect: { $error }
probe-handshake = TLS handshake failed before a certificate was presented: { $reason }
probe-server-name = bad server name '{ $name }'
probe-client-auth = bad client certificate or key: { $reason }
probe-no-certificate = no certificate presented
## hosts recover's error lines
recover-ca-missing = { $path }: ca.pem missing or unreadable; nothing can be signed
recover-ca-key-missing = { $path }: the { $ca } private key is missing; cannot sign host certificates
recover-bad-subject = bad subject { $subject }
recover-verify-failed = verification after writing failed: { $reason }
recover-stale = the Manager PKI changed since the plan was made ({ $what }); nothing was changed, run again
## hosts enroll / upgrade: a hosted-engine host that fits in no order of the waves
enroll-he-refused = the plan cannot keep the HostedEngine VM safe, so nothing was started: { $detail }
enroll-he-blocked = { $host }: { $why } — in no order of the waves; fix that first, or leave { $host } out (name the other hosts with --host)
he-list = { $first }; { $rest }
## A line of database.txt that is not as openssl ca writes it (index-invalid)
index-fields = { $count } tab-separated fields, expected 6
index-status = status '{ $status }' is not V, R or E
index-expiry = expiry '{ $expiry }' is not YYMMDDHHMMSSZ
index-serial = serial '{ $serial }' is not hex
## A certificate or key's inner reason when rhv-pki worded it (unreadable, the error lines)
cert-trailing-bytes = { $count } trailing bytes after the certificate
cert-unsupported-key = unsupported key type '{ $type }'
cert-key-no-password = key is encrypted and no password was given
## The Manager's REST API (hosts enroll, upgrade, --post-events): rhv-pki's words
engine-bad-url = { $url }: bad Manager URL: { $reason }
engine-connect = cannot connect: { $reason }
engine-sso-refused = login as { $user } refused by the Manager's SSO: { $code }: { $message }
engine-timeout = { $method } { $path }: no answer within { $secs } s
## Global maintenance's errors (maintenance on/off/status, the cycle, upgrade): rhv-pki's words;
## hosted-engine's, the Manager's and the system's as they came
maint-err-bad-status = { $host }: hosted-engine --vm-status --json: { $detail }
maint-err-rest = { $via }: { $detail }
maint-err-did-not-take = { $via }: global maintenance is still { $state } { $secs } s after setting it { $wanted }
maint-err-state-on = on
maint-err-state-off = off
vm-status-exit = exit { $status }: { $brief }
vm-status-not-deployed = hosted-engine is not installed or not deployed there
vm-status-not-json = not JSON: { $reason }
vm-status-not-object = not a JSON object
vm-status-no-gm = no top-level global_maintenance
vm-status-not-boolean = global_maintenance is { $value }, not a boolean
he-rest-no-he-host = the Manager lists no hosted-engine host
cycle-he-host-not-deployed = --he-host { $host }: hosted-engine is not installed or not deployed there; name a hosted-engine host
cycle-he-rest-lookup = REST API: looking for the HostedEngine VM: { $reason }
cycle-he-api = --he-api: { $error }
cycle-he-host = --he-host { $host }: { $error }
## Commands on a host (SSH or local): rhv-pki's words; the SSH library's and the command's as
## they came
remote-cannot-run = { $target }: cannot run { $program }: { $reason }
remote-connect = { $target }: connection: { $reason }
remote-host-key = { $target }: host key: { $reason }
remote-auth = { $target }: authentication failed: { $reason }
remote-timeout = { $target }: '{ $command }' timed out after { $secs } s
remote-failed = { $target }: '{ $command }' failed (exit { $status }): { $brief }
remote-signal = signal
## The saved state of hosts enroll and upgrade: rhv-pki's words; the parser's and the system's
## as they came
state-not-a-state-file = { $path }: not a rhv-pki enroll state file: { $error }
state-cannot-read = { $path }: cannot read: { $error }
state-cannot-write = { $path }: cannot write state: { $error }
enroll-state-other-manager = { $path }: an unfinished run for another Manager ({ $url }); finish it there, or give --discard-state to drop it
enroll-state-other-args = { $path }: an unfinished run was started with different arguments: { $saved } (this command: { $this }){ $left }; re-run with those arguments to resume it, or give --discard-state to drop it and plan anew
enroll-state-left-out = ; it left out of service: { $hosts }
upgrade-not-a-state-file = { $path }: not an rhv-pki upgrade state: { $error }
upgrade-state-other-run = the saved upgrade state is for { $saved }, not { $now } (use another --state, or --discard-state to start over)
upgrade-state-out-of-order = phase { $phase } cannot start before { $first } is finished
upgrade-refuse-no-terminal = not confirmed: give --yes to run the upgrade (stdin is not a terminal)
upgrade-not-confirmed = not confirmed; nothing was changed
engine-password-unreadable = { $path }: cannot read password file: { $error }
engine-password-needed = the Manager password is needed: --password-file FILE or $RHV_PKI_ENGINE_PASSWORD
engine-password-empty = the Manager password is empty
## The change transaction's remaining errors and the post-write check's findings
txn-no-conf-dir = engine.conf.d: no engine.conf.d configured
txn-no-meta = { $path }: new file without mode/owner
txn-manifest-write = { $path }: { $error }
txn-injected = injected fault at write step { $step }
txn-verify = { $path }: after writing: { $found }
mismatch-not-regular = not a regular file
mismatch-content = content differs from what was written
mismatch-mode = mode { $found } instead of { $expected }
mismatch-owner = owner { $found } instead of { $expected }
mismatch-link = no longer the symbolic link to { $target }
mismatch-wider = mode { $mode } is wider than the { $was } of the file it replaced
## A trust store's reasons (rhv-pki's words; the parser's as they came)
store-iterations = { $what } iteration count { $count } above { $max }
store-unsupported = unsupported { $what }
store-key-entry = alias '{ $alias }' holds a private key entry, not a trusted certificate; not replaced
txn-truststore-rewrite = .truststore: { $error }
refusal-needed-san = the subjectAltName of { $name }
refusal-needed-principal = the principal of { $name }
## hosts recover: what the check after writing found
recover-check-unreadable = { $path } unreadable
recover-check-not-signed = { $path } does not verify against { $ca }.pem
recover-check-serial = { $path }: serial { $found } instead of { $expected }
recover-check-not-host-key = { $path }: not the host's key
recover-check-no-index-line = database.txt has no line for serial { $serial }
recover-check-serial-txt = serial.txt is { $found }, expected { $expected }
## upgrade: the pre-checks' failed details in rhv-pki's words
upgrade-detail-no-directory = { $dir }: no such directory
upgrade-detail-no-runtime = cannot start the async runtime: { $error }
upgrade-detail-expired-host = { $name } (expired { $date })
upgrade-detail-list = { $first }, { $rest }

## block cycle: the maintenance cycle event details
cycle-via-he = hosted-engine on { $host }
cycle-via-rest-vm = REST API (HostedEngine VM { $id })
cycle-via-rest = REST API
cycle-manual-he = { $command }   # on { $host }
cycle-verify-serves = serves { $serial }
cycle-verify-serves-nothing = serves nothing
cycle-verify-bad = { $endpoint } ({ $address }) { $serves } but { $file } holds { $disk }
cycle-verify-bad-detail = { $endpoint } ({ $address }) { $serves } but { $file } holds { $disk }: { $detail }
cycle-list = { $first }; { $rest }
cycle-restart-refused = { $why }; nothing was restarted
cycle-kept-on = a restart failed; global maintenance stays ON until the services are back
cycle-todo-restart-failed = { $unit } failed: see journalctl -u { $unit } ; then systemctl restart { $units }
cycle-todo-restart-needed = restart-needed: systemctl restart { $units } ; then rhv-pki maintenance verify
cycle-todo-unreachable = endpoint-unreachable: systemctl status { $units } (no certificate shown after the restart) ; then rhv-pki maintenance verify
cycle-unit-not-installed = not installed
cycle-unit-masked = masked
cycle-unit-enabled-running = enabled, running
cycle-unit-enabled-stopped = enabled, not running
cycle-unit-disabled-running = disabled, running
cycle-unit-disabled-stopped = disabled, not running
cycle-he-host-bad-port = --he-host { $host }: bad port
cycle-reading-states = reading service states: { $error }
cycle-unknown-name = unknown certificate name '{ $name }'
## (end of block cycle)

## block errs: sign, verify, trust-store, SSH io, CA and plan errors
sign-error = { $what }: { $reason }
sign-step-ca-resign = CA re-sign
sign-step-issue = issue
sign-step-request = request
sign-step-extension = { $name }
sign-step-text-dump = text dump
sign-step-pem = PEM
sign-step-local-key-id = localKeyID
sign-step-pkcs8 = PKCS#8
sign-step-pkcs12 = PKCS#12
sign-step-openssh-key = OpenSSH key
sign-step-openssh-public-key = OpenSSH public key
sign-step-openssh-cert = { $file }
sign-step-subject = subject
sign-step-subject-entry = subject { $attr }
sign-step-csr = CSR
sign-step-key-generation = key generation
sign-step-nonce = nonce
sign-reason-ca-key-mismatch = the CA private key does not belong to the CA certificate
sign-reason-not-rsa = not an RSA key
sign-reason-before-epoch = validity before 1970
sshcert-kind-host = host
sshcert-kind-user = user
sshcert-wrong-type = a { $found } certificate, not a { $expected } certificate
sshcert-other-signer = signed by { $signer }, not by the CA key ({ $ca })
sshcert-bad-signature = its signature does not verify with the CA key
sshcert-sha1 = signed ssh-rsa (SHA-1; refused by OpenSSH 8.2+ and EL9)
sshcert-other-key = certifies { $key }, not the entity's key ({ $expected })
sshcert-principal-missing = principals lack { $principal }
sshcert-not-openssh = not an OpenSSH certificate: { $error }
verify-vanished = { $file } vanished
verify-not-sha256 = { $file }: signed { $found }
verify-serial-changed = { $file }: serial changed
verify-self-signature = { $file }: self-signature does not verify
verify-copy-differs = { $copy } differs from { $of }
verify-no-longer-verifies = { $path }: no longer verifies against the re-signed { $ca }
verify-hands-off = { $name }: { $why }
verify-wrong-serial = { $name }: serial { $found } instead of { $expected }
verify-not-issued = { $path }: not the issued certificate
verify-p12-unreadable = keys/{ $name }.p12: { $reason }
verify-p12-format = keys/{ $name }.p12: written as { $format }
verify-problem-list = { $first }; { $rest }
verify-ssh-not-planned = { $file }: not the certificate planned
verify-ssh-not-the-key = { $file }: not the key of keys/{ $name }.p12
store-malformed-der = PKCS#12 DER: { $error }
store-malformed-import = certificate to import: { $error }
store-malformed-truncated-jks = truncated JKS data
store-malformed-alias-too-long = alias too long
store-malformed-too-short-jks = too short for a JKS key store
store-malformed-not-jks = not a JKS key store (no FEEDFEED magic)
store-malformed-jks-tag = unknown JKS entry tag { $tag }
store-malformed-trailing-jks = trailing data after the JKS entries
store-malformed-cert-too-large = certificate too large
store-malformed-no-parameters = encryption without parameters
store-malformed-iv = IV
store-malformed-pbes2-salt = PBES2 salt: { $error }
store-malformed-pbe-length = PBE key or IV length
store-malformed-mac-key = MAC key
store-malformed-safebag = SafeBag without a value
store-malformed-bag-attribute = bag attribute without values
store-malformed-certbag = certBag value
store-malformed-encrypted-safe = encrypted safe without data
remote-io = { $target }: { $what }: { $reason }
remote-op-exec = exec
remote-op-open-channel = open a session channel
remote-op-send-stdin = send stdin
remote-op-send-eof = send EOF
remote-op-program-stdin = { $program }: stdin
remote-op-program-wait = { $program }: wait
remote-op-read = read { $path }
remote-op-replace = replace { $path }
remote-op-host-certificate-set = read the host certificate set
remote-empty-command = empty command
remote-no-parent = no parent
plan-unknown-cluster = unknown cluster(s): { $names }
plan-unknown-host = unknown host(s): { $names }
plan-zero-parallel = --max-parallel must be at least 1
plan-ca-unusable = ca.pem: { $reason }
hostspec-bad-name = --host '{ $spec }': bad host name (expected NAME[=ADDR[:PORT]])
hostspec-unclosed-bracket = --host '{ $spec }': unclosed [ (expected NAME[=ADDR[:PORT]])
hostspec-bad-port = --host '{ $spec }': bad port (expected NAME[=ADDR[:PORT]])
hostspec-after-bracket = --host '{ $spec }': garbage after ] (expected NAME[=ADDR[:PORT]])
hostspec-empty-address = --host '{ $spec }': empty address or port 0 (expected NAME[=ADDR[:PORT]])
hostfiles-unknown-file = unexpected output line for file #{ $index }
hostfiles-base64 = bad base64: { $reason }
hostfiles-stat-line = bad stat line '{ $line }'
hostfiles-mode = bad mode in '{ $line }'
ssh-known-hosts-encode = cannot encode the host key: { $reason }
store-unsupported-jks-version = JKS version { $version }
store-unsupported-cert-type = certificate type { $kind } in entry '{ $alias }'
store-unsupported-pbes2-kdf-read = PBES2 key derivation (only PBKDF2 is read)
store-unsupported-encryption-scheme = encryption scheme { $oid }
store-unsupported-plain-safe = plain safe encryption
store-unsupported-pbes2-kdf = PBES2 key derivation
store-unsupported-pbes2-cipher = PBES2 cipher
store-unsupported-pbes2 = PBES2: { $error }
store-unsupported-no-randomness = no system randomness
store-unsupported-mac-digest = MAC digest { $digest }
store-unsupported-public-key-integrity = public-key integrity mode (authSafe not Data)
store-unsupported-safe-content-type = safe content type { $oid }
store-unsupported-not-a-cert = entry under alias '{ $alias }' (bag type { $bag }): not a certificate
store-unsupported-no-safe = PKCS#12 store without any safe
## (end of block errs)

## block upg: upgrade pre-check details and notices
upgrade-detail-unfinished = backup { $id } ({ $reason }, { $created }) was interrupted and left the PKI half-written
upgrade-detail-capacity-host = { $host }: { $why }
upgrade-discarding = rhv-pki upgrade: discarding the saved upgrade in { $file } (next phase was { $phase })
upgrade-would-discard = rhv-pki upgrade: would discard the saved upgrade in { $file } (next phase was { $phase })
upgrade-next-none = none: complete
upgrade-stopped-by-signal = rhv-pki upgrade: stopped by { $signal }; the phase in progress is left running in the saved state: re-run the same command to resume it
upgrade-gm-left-on = rhv-pki upgrade: global maintenance is on from the interrupted cycle; it is cleared once the cycle has verified
upgrade-gm-cleared = rhv-pki upgrade: cleared the global maintenance the interrupted cycle had set
upgrade-warning = rhv-pki upgrade: warning: { $path }: { $error }
upgrade-max-parallel = --max-parallel must be at least 1
upgrade-no-upgrade-here = { $path }: no upgrade has been started here
upgrade-outcome-prechecks = { $passed } of { $total } checks passed, the rest do not apply
upgrade-outcome-prechecks-failed = pre-checks failed: { $ids }
upgrade-outcome-interrupted = interrupted: { $rest }
upgrade-outcome-gm-unreadable = reading global maintenance ({ $via }): { $error }
upgrade-outcome-cannot-save = cannot save the upgrade state { $path }: { $error }
upgrade-outcome-gm-not-cleared = restarted and verified, but the global maintenance the interrupted cycle set could not be cleared ({ $via }): { $error }
upgrade-detail-in-dir = { $dir }: { $error }
upgrade-drive-not-saved = cannot save the upgrade state: { $error }
## (end of block upg)

## block roll: hosts enroll run progress, host cycle errors and the run report
roll-serving-serial = serving serial { $serial }
roll-moving-spm-first = moving the SPM role first
roll-install-failed-served = the Manager says install_failed ({ $reason }), but vdsm serves the new certificate (serial { $serial }): activating it
roll-installing-to-install-failed = host went from installing to install_failed
roll-served-not-parsed = served certificate does not parse: { $error }
roll-what-maintenance = maintenance
roll-what-activation = activation
roll-what-enroll = Enroll Certificate
roll-what-spm-to = moving the SPM role to { $host }
roll-err-answer-lost = { $what }: the answer was lost ({ $lost }) and the host could not be read again to see whether it took: { $reread }
roll-err-refused = the Manager refused { $what }: { $error }
roll-err-not-up = status is { $status } (expected up); not touching it
roll-err-spm-blocked = not moving the SPM role off it: { $why }
roll-err-no-spm-candidate = it is the SPM and no other Up host of its cluster can take the role
roll-err-spm-did-not-move = the SPM role did not move to { $to } within { $secs } s
roll-err-stuck = did not reach maintenance within { $secs } s (status { $status }{ $detail }); { $then }
roll-detail = , { $detail }
roll-gave-back = activated it again so it returns to up
roll-gave-back-failed = activating it again failed too: { $error }
roll-err-enroll-timed-out = Enroll Certificate did not finish within { $secs } s
roll-err-enroll-failed = Enroll Certificate failed (event { $event }): { $reason }; { $serves }
roll-err-not-activatable = status is { $status }{ $detail } after enrollment; not activating it (the Manager would refuse)
roll-err-not-back-up = did not come back up after activation (status { $status }{ $detail })
roll-err-probe = vdsm probe { $endpoint }: { $reason }
roll-err-foreign-chain = vdsm at { $endpoint } serves a certificate not signed by the current CA
roll-err-weak-signature = vdsm at { $endpoint } still serves a { $signature } certificate
roll-err-old-certificate = vdsm at { $endpoint } still serves the old certificate (serial { $serial })
roll-new-foreign-chain = vdsm at { $endpoint } serves a certificate not signed by the current CA (serial { $serial })
roll-new-before-unknown = vdsm at { $endpoint } serves serial { $serial }, and what it served before is unknown
roll-report-install-failed = (the Manager said install_failed; vdsm served the new certificate)
roll-bar-hosts = hosts
roll-set-aside = { $path }: cannot set it aside: { $error }
## (end of block roll)

## block cli2: argument and command-line errors of the binary
cli2-range = { $flag } { $value }: expected { $range }
cli2-positive-seconds = { $flag } must be a positive number of seconds
cli2-vdsm-endpoint = --vdsm-endpoint '{ $spec }': expected NAME=HOST:PORT
cli2-unknown-cluster = unknown cluster '{ $cluster }'
cli2-hosts-audit-manager = { $error }
cli2-no-runtime = cannot start the async runtime: { $error }
cli2-no-signals = cannot handle signals: { $error }
cli2-no-change-to-roll-back = no completed change to roll back under { $dir }
cli2-refuse-no-terminal = refusing to { $cmd ->
    [rollback] roll back
   *[other] { $cmd }
} without --yes: stdin is not a terminal, so nobody can confirm; nothing changed (use --dry-run to see the plan)
cli2-hosts-reach-how = say how to reach the hosts: --ssh (SSH as --ssh-user, host keys checked against --known-hosts)
cli2-ssh-key-unreadable = { $path }: --ssh-key is not a readable file
cli2-no-host-certs = { $dir }: no certs/<host>.cer found; name the hosts with --host
cli2-no-engine-fqdn = no ENGINE_FQDN found in engine.conf.d: give --engine-url
cli2-ca-unusable = { $path }: { $error }
cli2-post-events = --post-events: { $error }
cli2-generate-name = NAME: only for `generate schema`
cli2-out-dir-only = --out-dir: only for `generate man` and `generate schema`
cli2-out-dir-not-dir = --out-dir { $dir }: not a directory
cli2-schema-both = generate schema: give NAME (printed) or --out-dir (all), not both
cli2-no-schema = generate schema: no schema { $name }; one of: { $names }
cli2-endpoint-no-name = --endpoint '{ $arg }': expected NAME=HOST:PORT
cli2-endpoint-unknown = --endpoint '{ $arg }': unknown endpoint '{ $name }'; known: { $known }
cli2-endpoint-no-port = --endpoint '{ $arg }': '{ $address }' has no :PORT
cli2-endpoint-bad-port = --endpoint '{ $arg }': bad port '{ $port }'
cli2-unknown-lang = unknown language { $lang } (en or ja)
## (end of block cli2)

## block hostsf: hosts recover, host files, planner notes, file reads
# Files rhv-pki refuses to read (not the system's words).
hostsf-read-directory = is a directory, not a regular file
hostsf-read-fifo = is a FIFO, not a regular file
hostsf-read-socket = is a socket, not a regular file
hostsf-read-device = is a device, not a regular file
hostsf-read-not-regular = is not a regular file, not a regular file
hostsf-read-too-large = larger than { $limit } bytes
# hosts recover: installing on a host, the refusals and the CSRs.
hostsf-install-qemu-ca-vanished = qemu-ca.pem vanished
hostsf-install-nothing = { $path }: nothing to install (plan inconsistent)
hostsf-install-backups = backups: { $error }
hostsf-install-file = install { $path }: { $error }
hostsf-install-restart = restart { $service }: { $error }
hostsf-install-ca-pem = ca.pem: { $error }
hostsf-install-not-served = { $endpoint } did not serve the new certificate within { $secs } s: { $last }
hostsf-vdsm-old-serial = vdsm still serves serial { $serial } (expected { $expected })
hostsf-vdsm-other-key = vdsm serves the new serial with another key
hostsf-vdsm-not-accepted = vdsm's certificate is not accepted: { $error }
hostsf-refusal-key-missing = { $path } is missing: no key to keep; re-install the host or use Enroll Certificate (new key)
hostsf-refusal-key-unusable = { $path } cannot be used on the host: { $reason }
hostsf-csr-from = CSR from { $key }: { $error }
hostsf-csr-self-signature = CSR from { $key }: self-signature does not verify
hostsf-csr-key-changed = { $key } changed on the host since the plan was made; nothing was changed, run again
hostsf-csr-failed-unchanged = { $error }; nothing was changed on this host
hostsf-manager-write-failed = Manager PKI write failed ({ $error }); it was rolled back and nothing was installed on this host
# The planner's notes and reasons (matched as phrases, src/cli/phrases.rs).
hostsf-phrase-apache-copy = apache-ca.pem is a copy of ca.pem (not the usual symlink to it): it is refreshed with the re-signed CA in the same transaction
hostsf-phrase-copy-key-afterwards = copy it there afterwards (keep that file's owner and mode), and the new key of keys/{ $name }.p12 to { $path } (mode 0600, owner ovirt-vmconsole)
hostsf-phrase-new-key-asked = --new-key asked for it
hostsf-phrase-link-followed = { $file } is a symbolic link: its target { $target } is replaced (owner, mode and SELinux label kept), the link stays
hostsf-phrase-cannot-read = { $path }: cannot read: { $rest }
hostsf-phrase-no-certificate = { $path }: no certificate found (no PEM block and not DER)
hostsf-phrase-truncated-pem = { $path }: PEM block '{ $label }' starting at byte { $offset } has no END line (truncated file?)
hostsf-phrase-bad-base64 = { $path }: PEM block '{ $label }' is not valid base64: { $reason }
## (end of block hostsf)

## block net2: Manager client, TLS verifier, transaction and serial errors
txn-op-chmod = chmod
txn-op-chown = chown
txn-op-create = create
txn-op-create-backup = create backup
txn-op-create-backup-copy = create backup copy
txn-op-create-backup-dir = create backup dir
txn-op-create-backup-root = create backup root
txn-op-create-directory = create directory
txn-op-create-journal = create journal
txn-op-create-lock-directory = create lock directory
txn-op-create-temporary-file = create temporary file
txn-op-flock = flock
txn-op-fsync = fsync
txn-op-fsync-directory = fsync directory
txn-op-open = open
txn-op-open-directory = open directory
txn-op-open-for-locking = open for locking
txn-op-open-journal = open journal
txn-op-open-lock-directory = open lock directory
txn-op-read = read
txn-op-read-after-writing = read after writing
txn-op-read-backup-copy = read backup copy
txn-op-read-directory = read directory
txn-op-read-for-backup = read for backup
txn-op-read-link = read link
txn-op-remove = remove
txn-op-remove-lock-directory = remove lock directory
txn-op-rename = rename
txn-op-resolve = resolve
txn-op-resolve-link = resolve link
txn-op-set-times = set times
txn-op-stat = stat
txn-op-stat-after-writing = stat after writing
txn-op-symlink = symlink
txn-op-syncfs = syncfs
txn-op-write = write
txn-op-write-backup-copy = write backup copy
txn-op-write-journal = write journal
engine-url-not-https = must start with https:// (plain HTTP would send the password in clear)
engine-url-no-host = no host (or user info, which is not accepted)
engine-url-unclosed-ipv6 = unclosed [IPv6]
engine-url-bad-port = bad port
engine-url-not-tls-name = host is not a valid TLS name
engine-connect-timed-out = timed out after { $secs } s
engine-handshake-timed-out = TLS handshake timed out
engine-handshake-dropped = TLS handshake: { $error }
engine-reading-dropped = reading the answer: { $error }
engine-tls = { $endpoint }: TLS: { $reason }
engine-tls-pinned-ca = pinned CA certificate: { $reason }
engine-tls-refused = { $prefix }{ $cert }
engine-fault = { $method } { $path }: HTTP { $status }: { $reason }
engine-fault-detail = { $method } { $path }: HTTP { $status }: { $reason } — { $detail }
engine-decode = { $method } { $path }: { $reason }
engine-sso-not-json = SSO answer (HTTP { $status }) is not JSON: { $error }
engine-not-json = answer is not JSON: { $error }
engine-record = { $method } { $path }: { $reason }
engine-record-host-no-id = host without id
engine-record-vm-no-id = vm without id
engine-record-no-id = { $kind } without id
engine-record-cluster-no-id = no id
engine-record-event-id = event without numeric id
tls-cert-parse = server certificate: { $reason }
tls-cert-expired = server certificate (serial { $serial }) expired at { $date }
tls-cert-not-yet-valid = server certificate is not valid before { $date }
tls-cert-name-mismatch = server certificate (CN { $cn }) does not name '{ $name }' in its subjectAltName
tls-cert-bad-signature = server certificate signature does not verify with the pinned CA key
tls-cert-unverifiable = server certificate signature algorithm cannot be verified
tls-cert-intermediate = { $reason }
tls-cert-chain-signature = server chain has a signature that does not verify
tls-cert-other-issuer = server certificate is issued by '{ $issuer }', not by the pinned CA '{ $pinned }'
engine-request = { $error }
change-stale-serial-unreadable = serial.txt: { $reason }
change-stale-serial-moved = serial.txt is { $found } but the plan issues { $planned }
## (end of block net2)

## block main: the Manager client's notice while it rides out an outage
engine-retrying = the Manager has not answered { $request } for { $waited } s ({ $error }); trying again for up to { $limit } s in all
ssh-auth-key-unloadable = { $path }: cannot load the private key ({ $error }); an encrypted key must be loaded into ssh-agent
ssh-auth-no-key = no key to offer as { $user } (give --ssh-key, or run an ssh-agent)
ssh-auth-refused = user { $user } refused with { $tried }
ssh-offered-agent-key = agent { $fingerprint }
ssh-offered-agent-unusable = agent at SSH_AUTH_SOCK unusable ({ $error })
ssh-offered-list = { $first }, { $next }
recover-manager-rolled-back = { $error }; the Manager PKI was rolled back (backup { $backup })
## (end of block main)
