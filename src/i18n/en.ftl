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
