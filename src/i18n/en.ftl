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
