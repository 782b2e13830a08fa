# rhv-pki messages, English (the reference catalogue: every key here exists in ja.ftl, with the
# same variables). Finding codes, JSON keys and values, exit codes and the Prometheus / Nagios
# outputs are never translated and never come from here.

## The audit table (`rhv-pki audit`)
audit-col-role = ROLE
audit-col-file = FILE
audit-col-cn = CN
audit-col-not-after = NOT AFTER
audit-col-residual = RESIDUAL
audit-col-signature = SIGNATURE
audit-col-key = KEY
audit-col-status = STATUS
audit-col-action = ACTION
audit-findings = FINDINGS
audit-summary = { $status }: { $certs } certificates: { $ok } ok, { $warning } warning, { $critical } critical ({ $expired } expired)

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
