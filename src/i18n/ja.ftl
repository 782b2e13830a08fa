# rhv-pki のメッセージ(日本語)。用語は Red Hat Virtualization の日本語ドキュメントに合わせる:
# メンテナンスモード、グローバルメンテナンス、証明書の登録、アクティブ化。
# 検出コード、JSON のキーと値、終了コード、Prometheus / Nagios 出力は翻訳しない。

## 監査表(rhv-pki audit)
audit-col-role = 役割
audit-col-file = ファイル
audit-col-cn = CN
audit-col-not-after = 有効期限
audit-col-residual = 残り日数
audit-col-signature = 署名アルゴリズム
audit-col-key = 鍵
audit-col-status = 状態
audit-col-action = 対処
audit-findings = 検出事項
audit-summary = { $status }: 証明書 { $certs } 件: 正常 { $ok } 件、警告 { $warning } 件、重大 { $critical } 件(期限切れ { $expired } 件)

## 管理者の手順書の用語
term-maintenance = メンテナンスモード
term-global-maintenance = グローバルメンテナンス
term-enroll-certificate = 証明書の登録
term-activate = アクティブ化

## 計画と確認
plan-dry-run = ドライラン: 何も変更していません
confirm-proceed = 実行しますか? [y/N]

## アップグレード(rhv-pki upgrade)
upgrade-phase-prechecks = 事前チェック
upgrade-phase-conf = openssl.conf
upgrade-phase-resign = 再署名
upgrade-phase-cycle = メンテナンスサイクル
upgrade-phase-enroll = ホストの証明書の登録
upgrade-phase-final-audit = 最終監査
upgrade-check-failed = 事前チェックが { $count } 件失敗しました。何も変更していません

## upgrade (cli)
upgrade-plan = 計画
upgrade-prechecks = 事前チェック
upgrade-check-pass = 合格
upgrade-check-fail = 不合格
upgrade-check-skip = 対象外
upgrade-fix = 対処: { $fix }
upgrade-will-run = 実行
upgrade-will-skip = 省略
upgrade-state-pending = 未実行
upgrade-state-running = 実行中
upgrade-state-done = 完了
upgrade-state-skipped = 省略済み
upgrade-state-failed = 失敗
upgrade-col-phase = フェーズ
upgrade-col-state = 状態
upgrade-col-detail = 詳細
upgrade-col-condition = 条件
upgrade-col-status = 状態
upgrade-col-reason = 理由
upgrade-col-since = 変化時刻
upgrade-col-message = メッセージ
upgrade-since = { $time } から
upgrade-progress = rhv-pki upgrade: フェーズ { $phase }
upgrade-resuming = rhv-pki upgrade: { $file } に保存されたアップグレードをフェーズ { $phase } から再開します
upgrade-done = アップグレードが完了しました
upgrade-nothing-to-do = { $file } のアップグレードは完了しています。実行することはありません
upgrade-stopped = フェーズ { $phase } で停止しました: { $reason }
upgrade-resume-hint = 同じコマンドを再実行すると、そこから再開します(完了したフェーズは繰り返しません)。状態の確認: { $command }
upgrade-refused = 事前チェックが { $count } 件不合格です。何も変更していません(不合格の各行に対処を示しています)
upgrade-fix-pki-readable = Manager 上で root として実行するか、--root / --pki-dir で PKI を指定してください
upgrade-fix-ca-key = engine-backup から private/ca.pem を復元してください。これがないと CA を再署名できません
upgrade-fix-p12-password = ストアのパスワードを --p12-password-file で指定してください(engine-setup の既定値は mypass)
upgrade-fix-no-unfinished-change = 先に完了させるか元に戻してください。`rhv-pki rollback --root R` で、そのとき作成されたバックアップを復元できます
upgrade-fix-backup-writable = ディレクトリーを作成するか、--backup-dir で別のディレクトリーを指定してください
upgrade-fix-backup-space = 空き容量を確保するか、--backup-dir で別のディレクトリーを指定してください
upgrade-fix-engine-reachable = --engine-url、--ca-file、--user、--password-file を確認してください
upgrade-fix-hosts-up = ホストを Up にするか、--exclude-host NAME で対象から外してください(外したホストは後で登録するまで現在の証明書のままです)
upgrade-fix-hosted-engine-unknown = Self-Hosted Engine ホストで `hosted-engine --vm-status` が動作するようにするか、--he-api を使用してください
upgrade-fix-hosted-engine-agents = それらのホストで ovirt-ha-agent と ovirt-ha-broker を起動し、スコアが付くまで待ってください
upgrade-fix-capacity = 仮想マシンを移行または停止するか、ホストを追加して、1 台のホストの仮想マシンが他のホストに収まるようにしてください
upgrade-fix-placement = 制約は `rhv-pki hosts enroll --dry-run` で確認できます。--max-parallel を下げるか、そのホストを除外してください
upgrade-fix-host-certs-api = この Manager({ $version })は NonResponsive のホストへの証明書の登録を受け付けます。先に `rhv-pki hosts enroll --host { $host }` を実行するか、SSH で回復してください
upgrade-fix-host-certs-ssh = この Manager({ $version })は NonResponsive のホストへの証明書の登録を受け付けません(4.5 以降は受け付けます)。先に SSH で回復してください: `rhv-pki hosts recover --ssh --host { $host }`
upgrade-fix-host-certs-ssh-unknown = Manager のバージョンが不明です。先に SSH で回復してください: `rhv-pki hosts recover --ssh --host { $host }`
upgrade-resume = 同じ `rhv-pki upgrade` コマンドを再実行すると再開します
upgrade-cond-phase-running = フェーズ { $phase } を実行中です(rhv-pki upgrade が動いていなければ中断されています。{ $resume })
upgrade-cond-complete = すべてのフェーズが終了しました
upgrade-cond-failed = 停止しています。{ $resume }
upgrade-cond-not-started = まだどのフェーズも実行していません
upgrade-cond-paused = 次のフェーズ: { $phase }。{ $resume }
upgrade-cond-phase-failed = フェーズ { $phase } が失敗しました: { $reason }。{ $resume }
upgrade-cond-as-expected = 失敗したフェーズはありません
upgrade-cond-restarting = メンテナンスサイクルが Manager のサービスを再起動しています
upgrade-cond-cycle-failed = メンテナンスサイクルが終了していません。Manager のサービスとグローバルメンテナンスを確認してください
upgrade-cond-in-service = Manager のサービスは稼働しています
upgrade-cond-all-finished = すべてのフェーズが完了または省略されました
upgrade-cond-phases-left = 残り: { $phases }
