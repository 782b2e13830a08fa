# rhv-pki のメッセージ(日本語)。用語は Red Hat Virtualization の日本語ドキュメントに合わせる:
# メンテナンスモード、グローバルメンテナンス、証明書の登録、アクティブ化。
# 検出コード、JSON のキーと値、終了コード、Prometheus / Nagios 出力は翻訳しない。

## audit
## 監査表(rhv-pki audit、rhv-pki hosts audit)
audit-col-role = 役割
audit-col-file = ファイル
audit-col-cn = CN
audit-col-not-after = 有効期限
audit-col-residual = 残り
audit-col-signature = 署名アルゴリズム
audit-col-key = 鍵
audit-col-status = 状態
audit-col-action = 対処
audit-status-ok = 正常
audit-status-warning = 警告
audit-status-critical = 重大
audit-status-expired = 期限切れ
audit-status-missing = 欠落
audit-residual-expired = 期限切れ
audit-residual-days = { $n }日
audit-residual-hours = { $n }時間
audit-residual-minutes = { $n }分
audit-findings = 検出事項
audit-severity-critical = 重大
audit-severity-warning = 警告
audit-note = 注記: { $path }: { $message }
audit-overall-ok = 正常
audit-overall-warning = 警告
audit-overall-critical = 重大
audit-overall-unknown = 不明
audit-summary = { $status }: { $unreached ->
        [0] {""}
       *[other] 到達できなかったホスト { $unreached } 台。{""}
    }証明書 { $certs } 件: 正常 { $ok } 件、警告 { $warning } 件、重大 { $critical } 件(うち期限切れ { $expired } 件){ $missing ->
        [0] {""}
       *[other] 、欠落 { $missing } 件
    }。未チェック { $inventory } 件(バックアップ、発行済みのコピー)。しきい値: 警告 { $warn_days } 日、重大 { $crit_days } 日。評価日時 { $at }

## 監査: 検出事項(finding-<コード>。JSON の message は英語のまま)
finding-sha1-signature = { $algorithm } で署名されています。RHEL 9 の DEFAULT ポリシーは SHA-1 を拒否します
finding-md5-signature = { $algorithm } で署名されています。MD5 は安全ではありません
finding-expired = 有効期限 { $not_after } を過ぎています
finding-not-yet-valid = { $not_before } より前は有効ではありません
finding-expiring = 有効期限は { $not_after }、残り { $days_left } 日です(しきい値 { $threshold_days } 日)
finding-missing-san = subjectAltName 拡張がありません
finding-san-mismatch = subjectAltName { $san } に { $expected } が含まれていません
finding-san-invalid = subjectAltName DNS:{ $name } はホスト名ではありません({ $reason })
finding-web-validity-too-long = Web 証明書の有効期間が { $days } 日です。ブラウザーが受け付けるのは最長 { $max_days } 日です
finding-weak-key = 鍵 { $key } は弱すぎます。RSA-{ $min_bits } 以上が必要です
finding-unsupported-key = 鍵 { $key } は使用できません。oVirt は RSA 鍵を前提としています
finding-chain-invalid = { $ca } で検証できません: { $reason }
finding-unverifiable-signature = 署名アルゴリズム { $algorithm } は検証できません
finding-issued-before-ca-renewal = { $ca } の更新({ $ca_not_before })より前に発行されています。ホストは古い CA 証明書のコピーを保持しています
finding-cer-p12-mismatch = { $cer } は { $p12 } 内の証明書と一致しません
finding-key-mismatch = 秘密鍵 { $key } は { $cert } の鍵ではありません
finding-p12-unreadable = PKCS#12 ファイルを開けません: { $reason }
finding-p12-algorithm-refused = この環境では PKCS#12 ファイルを開けません。この OpenSSL は { $algorithms } を拒否します(FIPS モード、または legacy プロバイダーがありません)。パスワードは判定していません
finding-p12-legacy-rc2 = PKCS#12 ファイルが RC2-40 を使用しています({ $format })。OpenSSL 3 / RHEL 9 は legacy プロバイダーなしでは読み取れません
finding-p12-friendly-name = PKCS#12 の鍵に friendlyName があります。エンジンはエイリアス 1 を前提としています
finding-p12-iterations-excessive = PKCS#12 の { $what } の反復回数 { $count } が上限 { $limit } を超えています(OpenSSL は 2048、keytool は 10000 を書き込みます)。ファイルを開かず、鍵も導出していません
finding-openssl-conf-sha1 = { $line } 行目が default_md = { $value } です。新しい証明書が SHA-1 で署名されます
finding-apache-ca-mismatch = apache-ca.pem が CA 証明書と一致しません: { $reason }
finding-third-party-cert = サードパーティーの CA({ $issuer })が発行した証明書です。rhv-pki は再署名しません
finding-key-permissions = 秘密鍵のモードが { $mode } です(正しくは { $expected })
finding-key-owner = 秘密鍵の所有者が uid { $uid } です(正しくは { $expected })
finding-ca-copy-mismatch = { $copy } は { $ca } と異なります
finding-unreadable = 読み取れません: { $reason }
finding-missing = ありません: { $what }
finding-symlink-outside-tree = { $target } へのシンボリックリンクは監査対象のツリーの外を指しています。たどりません
finding-index-invalid = { $line } 行目: { $reason }
finding-serial-behind = serial.txt は { $serial_txt } ですが、database.txt にはすでにシリアル { $max_in_index } があります。次の発行でシリアルが重複します
finding-engine-fqdn-unknown = ENGINE_FQDN が不明です({ $reason })。ENGINE_FQDN に対する SAN のチェックは省略しました
finding-restart-needed = { $endpoint }({ $address })はシリアル { $served_serial } を提示していますが、ファイルはシリアル { $on_disk_serial } です。{ $service } を再起動してください
finding-endpoint-unreachable = { $endpoint }({ $address })が証明書を提示しませんでした: { $reason }
finding-host-unreachable = ホストを監査できませんでした: { $reason }
finding-host-key-unverified = ホストに接続していません。SSH ホスト鍵が信頼されていません: { $reason }
finding-host-ca-stale = { $ca } の古いコピーです(シリアル { $copy_serial }、有効期限 { $copy_not_after })。Manager の CA 証明書は { $ca_not_after } まで有効です
finding-host-ca-stale-other-key = Manager の { $ca } ではありません(このコピー: シリアル { $copy_serial }、有効期限 { $copy_not_after }、別の鍵)。Manager が発行した証明書をこのホストでは検証できません
finding-host-file-owner = 所有者が { $owner } です(正しくは { $expected })
finding-host-file-mode = モードが { $mode } です(正しくは { $expected })
finding-host-key-unreadable = 秘密鍵を使用できません: { $reason }
finding-interrupted-change = 中断された rhv-pki の変更(バックアップ { $backup }、{ $reason })により、PKI が書き込み途中のままの可能性があります。元に戻すには: { $command }
finding-ssh-cert-type = OpenSSH の { $found } 証明書です({ $expected } 証明書であるべきです)
finding-ssh-cert-signer = OpenSSH 証明書の署名者は { $signer } で、CA 鍵 { $ca } ではありません
finding-ssh-cert-signature = OpenSSH 証明書の署名を { $signer } で検証できません
finding-ssh-cert-principals = プリンシパル [{ $principals }] に { $expected } が含まれていません
finding-truststore-alias-missing = エイリアス '{ $alias }' がありません(エンジンは { $ca } が署名した相手を検証できません)
finding-truststore-stale = エイリアス '{ $alias }' は現在の { $ca } ではありません(同じ鍵の古いコピー): { $reason }
finding-truststore-stale-other-key = エイリアス '{ $alias }' は現在の { $ca } ではありません(別の鍵のため、これで署名された相手を検証できません): { $reason }
finding-p12-password-wrong = { $source } の PKCS#12 パスワードでは { $files } 個のキーストアのどれも開けません(パスワードが違います)

## 監査: 対処(コマンドはそのまま、言葉による助言は翻訳する)
action-resign = rhv-pki resign { $target }
action-renew = rhv-pki renew { $target }
action-renew-new-key = rhv-pki renew --new-key { $target }
action-host-enroll = rhv-pki hosts enroll --only-needed
action-host-recover = rhv-pki hosts recover --ssh
action-reissue = 再発行する
action-reissue-new-key = 新しい鍵で再発行する
action-restore-matching = 対応するファイルをバックアップから復元する
action-chmod-key = chmod go-rwx
action-investigate-issuer = 発行者を調査する
action-renew-external = 外部の CA で更新する
action-engine-key-manual = 手動: エンジンの鍵の交換(ドキュメントを参照)
action-check-p12-password = --p12-password-file を確認し、正しければバックアップから復元する
action-p12-modern = これらのアルゴリズムを使える OpenSSL で: rhv-pki resign { $target } --p12-format modern
action-p12-reexport = PBES2/AES-256 と SHA-256 MAC で再エクスポートする
action-p12-iterations = バックアップから復元するか、通常の反復回数で再エクスポートする
action-restore = バックアップから復元する
action-resign-ca-copies = rhv-pki resign ca(コピーも書き直します)
action-conf = rhv-pki conf
action-apache-ca-link = ln -sfn /etc/pki/ovirt-engine/ca.pem apache-ca.pem
action-check-vdsm = ホストを確認する。証明書の有効期限切れなら: rhv-pki hosts recover --ssh
action-restart = systemctl restart { $service }
action-status = systemctl status { $service }
action-chown = 正しい所有者に chown する
action-chmod = 正しいモードに chmod する
action-host-key = ホスト鍵のフィンガープリントを確認してから --accept-new-host-key
action-check-clocks = 時刻を確認する(chronyc tracking)
action-check-link = リンク先を確認する(readlink -f)
action-restore-backups = バックアップから復元する(rhv-pki backups)
action-repair-index = database.txt を修復する(openssl ca は署名のたびに読み込みます)
action-serial = serial.txt を発行済みの最大のシリアルより大きくする
action-check-ssh = ホストへの SSH アクセスを確認する
action-command = { $command }
action-truststore-import = keytool -importcert -trustcacerts -alias <alias> -file <ca>.pem -keystore .truststore
action-store-password = ENGINE_PKI_ENGINE_STORE_PASSWORD / --p12-password-file にキーストアのパスワードを設定する

## 監査: 監査自身が述べる理由(検出事項のメッセージの中)
reason-verbatim = { $reason }
reason-ca-missing = { $ca }.pem がないか、読み取れません
reason-other-issuer = この CA ではなく '{ $issuer }' が発行しています
reason-bad-signature = 署名を検証できません
reason-ssh-not-ca-key = OpenSSH 証明書が Manager の CA 鍵で署名されていません
reason-not-p12 = PKCS#12 ではありません: { $error }
reason-p12-wrong-password = パスワードが違うか、ファイルが壊れています({ $reason })
reason-apache-dangling = apache-ca.pem はリンク先 { $target } が存在しないシンボリックリンクです。httpd は起動しません
reason-apache-not-ca = apache-ca.pem は ca.pem でもそのリンクでもありませんが、apache の証明書は内部 CA が発行しています

## 監査: --policy el9(表の下の RHEL 9 準備状況)
el9-ready = EL9 準備状況: 準備完了
el9-not-ready = EL9 準備状況: 準備未完了(対処が必要な項目 { $count } 件)
el9-reason = { $message }
el9-reason-anchor = { $message } — 自己署名 CA のみ: OpenSSL 3 はトラストアンカー自身の署名を判定しないため、RHEL 9 はこれを受け入れます(SHA-1 を残さないよう、再署名はしてください)
el9-reason-host-copy = { $message } — Manager が保持するホスト証明書のコピーです。ホストが実際に保持する証明書は `rhv-pki hosts audit --policy el9` で判定します
el9-fix = 対処:
el9-note = 注記:
el9-notes = ブロックしない項目(注記):
el9-to-be-ready = 準備を完了するには、次を実行してください:
el9-enroll-note = FILE: Manager の admin@internal のパスワードを格納したファイル(または --password-file を外して RHV_PKI_ENGINE_PASSWORD を設定)。Manager が engine.conf.d の https://<ENGINE_FQDN> でない場合は --engine-url URL(必要なら --ca-file、--user も)を追加してください。hosts audit --ssh は Manager と通信していません

## 監査: --post-events と --textfile-dir の通知(標準エラー出力)
audit-event-clean = rhv-pki: 監査結果は正常です。イベントは送信していません
audit-event-posted = rhv-pki: イベント { $id } を送信しました({ $severity })
audit-event-already = rhv-pki: 本日の { $severity } イベントは送信済みです(カスタム ID { $custom_id })

## backups
## バックアップ一覧(rhv-pki backups)
backups-col-id = ID
backups-col-created = 作成日時
backups-col-state = 状態
backups-col-files = ファイル数
backups-col-reason = 理由
backups-state-committed = 完了
backups-state-rolled-back = ロールバック済み
backups-state-incomplete = 未完了
backups-none = ({ $dir } にバックアップはありません)

## errors
## エラー
error-line = rhv-pki: エラー: { $error }
error-stdout-warning = rhv-pki: 警告: 標準出力に書き込めません: { $error }
error-writing-report = レポートを書き込めません: { $error }
error-pki-dir-unreadable = { $path }: PKI ディレクトリーを読み取れません: { $error }
error-pki-dir-not-a-directory = { $path }: PKI ディレクトリーとして指定されたパスがディレクトリーではありません
error-pki-dir-unlistable = { $path }: PKI ディレクトリーの内容を一覧できません: { $error }
error-password-file = { $path }: パスワードファイルを読み取れません: { $error }
error-password-nul = PKCS#12 パスワードに NUL バイトを含めることはできません
error-textfile = { $dir }: { $file } を書き込めません: { $error }
error-config-read = { $path }: 設定ファイルを読み取れません: { $error }
error-config-toml = { $path }: 設定ファイルの TOML が正しくありません: { $error }
error-config-out-of-range = { $path }: { $section }: { $days } 日は範囲 0..36500 の外です
error-config-crit-above-warn = { $path }: { $section }: crit_days({ $crit })が warn_days({ $warn })を超えています
error-at = --at '{ $value }': YYYY-MM-DD または 2026-11-01T00:00:00Z のような RFC 3339 形式の日時を指定してください
error-days-negative = --warn-days と --crit-days に負の値は指定できません
error-windows-inverted = { $class }: 重大のしきい値({ $crit } 日、--crit-days または crit_days)が警告のしきい値({ $warn } 日、--warn-days または warn_days)を超えています
io-not-found = ファイルまたはディレクトリーがありません({ $error })
io-permission-denied = アクセスが拒否されました({ $error })
io-is-a-directory = ディレクトリーです({ $error })
io-not-a-directory = ディレクトリーではありません({ $error })
io-other = { $error }

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
