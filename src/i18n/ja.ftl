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

## change: conf / resign / renew / rollback (src/cli/change.rs)
confirm-apply = この計画を適用しますか? [y/N]
change-plan-header = rhv-pki { $command }: { $dir } の計画
change-plan-fqdn = (ENGINE_FQDN { $fqdn })
change-nothing-to-do = 何もする必要はありません
change-plan-conf = { $line } 行目: default_md { $from } -> { $to } (バックアップ { $path }.YYYYmmddHHMMSS)
change-col-name = 名前
change-col-serial = シリアル
change-col-signature = 署名アルゴリズム
change-col-not-after = 有効期限
change-col-key = 鍵
change-col-p12 = P12
change-key-kept = 保持
change-key-new = 新規
change-plan-why = 理由: { $reason }
change-plan-ssh = ssh: { $file } ({ $type } 証明書、ID { $id }、プリンシパル { $principals }、CA の鍵で署名) { $old } -> { $new }{ $rewritten }
change-plan-ssh-pub = 。{ $file } も書き換えます
change-plan-ssh-missing = なし
change-plan-skipped = 除外 { $name }: { $reason }
change-plan-services = 後で再起動するサービス: { $units }
change-plan-note = 注記: { $note }
change-recovered = 復旧: 中断された実行 (バックアップ { $backup }) を先にロールバックしました
change-applied = 適用しました: { $files } 個のファイルを書き込みました。バックアップ { $backup } ({ $dir }) (元に戻すには: { $undo } { $backup })
change-restart-now = 今すぐサービスを再起動してください(セルフホストエンジンの場合はグローバルメンテナンス下で):
change-nothing-resigned = 再署名が必要なものはありません(上の除外を参照。--all --force で問題のない証明書も再署名します)。何も変更していません
change-nothing-due = 更新が必要なものはありません。何も変更していません
change-manual-step = 手動の手順: { $step }
change-refuse-no-terminal = --yes なしでは { $what } を実行しません: 標準入力が端末でないため、誰も確認できません。何も変更していません(計画は --dry-run で確認できます)
change-interrupted-pending = 中断された実行 (バックアップ { $backup }) により PKI が書きかけの状態です: 適用時にまずロールバックするため、上の計画は変わる可能性があります(または次を実行: rhv-pki rollback { $backup })
change-not-applied = 適用しませんでした
change-maintenance-not-set = グローバルメンテナンスを設定できませんでした。何も変更していません
rollback-would-restore = rhv-pki rollback --dry-run: { $dir } を { $backups } のバックアップ { $backup } から復元します
rollback-restored = バックアップ { $backup } から復元しました: { $restored } 個のエントリーを復元し、{ $removed } 個のファイルを削除しました。ロールバック前の状態はバックアップ { $safety } です
rollback-restart = 復元したファイルを使用するサービスを再起動してください:
rollback-interrupted = 中断された変更により { $dir } が書きかけの状態です: { $backups } のバックアップ { $backup } ({ $reason }、{ $created }) は不完全です。
rollback-interrupted-undo = 元に戻すには(すべてのファイルをその変更の前の状態に戻します): { $undo } { $backup }
rollback-interrupted-end = (次の resign、renew、conf も計画の前にこれを元に戻します)。何も変更していません

## change: プランナーの理由と注記(英語で照合して訳を表示。src/cli/phrases.rs。JSON は英語のまま)
phrase-sep = 。
phrase-resign-sha256 = 鍵を保持したまま SHA-256 で再署名: { $rest }
phrase-resign-keep = 鍵を保持したまま再署名: { $rest }
phrase-openssh-colon = OpenSSH 証明書 { $file }: { $rest }
phrase-openssh-missing = OpenSSH 証明書 { $file } がありません ({ $pub } はあります)
phrase-openssh = OpenSSH 証明書 { $file }: { $rest }
phrase-nothing-to-fix-entity = 修正不要: すでに { $alg }、SAN と p12 形式も問題なし、有効期限 { $time } (更新不要)
phrase-nothing-to-fix = 修正不要: すでに { $alg }、有効期限 { $time } (更新不要)
phrase-signed-by-not-ca = CA の鍵 ({ $ca }) ではなく { $by } で署名されています
phrase-signed = { $alg } で署名されています
phrase-expires-in = あと { $days } 日で期限切れ (期間 { $window } 日)
phrase-expired-ago = { $days } 日前に期限切れ
phrase-new-not-after = 新しい notAfter { $time }
phrase-not-after-stays = notAfter は { $time } のまま
phrase-not-due = 更新不要: 有効期限 { $time }
phrase-p12-legacy = keys/{ $file }.p12 は { $format } です (OpenSSL 3 では legacy プロバイダーが必要)
phrase-p12-friendly-name = keys/{ $file }.p12 の鍵バッグに friendlyName があります (Java のエイリアスが 1 ではない)
phrase-web-too-long = 有効期間 { $days } 日 (Web 証明書は最大 { $max } 日)
phrase-no-san = subjectAltName がありません
phrase-san-lacks = subjectAltName に { $name } がありません
phrase-not-before = { $time } より前は無効です
phrase-force = --force を指定すると再署名します
phrase-third-party = サードパーティーの証明書 (発行者 { $issuer }) で、{ $ca } で署名されていません
phrase-already-forced = { $name }: すでに { $alg }、更新不要
phrase-resigned-keeping = 鍵を保持したまま再署名します
phrase-renew-at-ca = 発行元の CA で更新してください
phrase-restart-engine-first = ホストの証明書を登録し直す前に ovirt-engine を再起動してください(エンジンは CA をキャッシュします)
phrase-ca-resigned = CA は自身の鍵で再署名されました: 既存のホスト証明書は引き続き有効ですが、各ホストは CA の古いコピーを保持しています
phrase-reenroll-before = 古い CA の notAfter ({ $time }) より前に、すべてのホストの証明書を登録し直してください(メンテナンスモード -> 証明書の登録 -> アクティブ化)
phrase-ca-had-expired = CA の有効期限が切れていました ({ $time }): ホストはそのコピーを保持し、証明書もそれにチェーンしているため、登録し直すまで Manager はホストに接続できません
phrase-recover-first = Manager が通信できなくなったホストには `rhv-pki hosts recover --ssh` を使用し、残りは証明書の登録を行ってください
phrase-vmconsole-copy = { $file } は { $name } とともに再発行されます: vmconsole プロキシーはコピー { $copy } を読みますが、この変更はそれを書き込みません
phrase-copy-afterwards = 後でそこにコピーしてください(そのファイルの所有者とモードを維持)

progress-lock-backup = PKI ディレクトリーをロックしてバックアップしています
progress-verify-written = 書き込んだ内容を検証しています
progress-issuing = { $name }: シリアル { $serial } を発行しています
progress-new-key = { $name }: 新しい RSA-2048 鍵を生成しています
progress-resign-ca = { $name }: 自身の鍵で再署名しています
progress-apache-ca = apache-ca.pem: ca.pem のコピー
progress-openssh = { $file }: CA の鍵で OpenSSH { $type } 証明書に署名しています
progress-maintenance-on = グローバルメンテナンスを有効にしています ({ $via })
progress-writing = PKI ファイルを書き込んでいます
progress-verifying = { $count } 個のエンドポイントを検証しています
progress-maintenance-off = グローバルメンテナンスを解除しています
state-on-left-on = 有効(この実行の前から有効だったため、そのままにしています)
state-kept-on = 有効 — 再起動が失敗したため維持しています。サービスが再び稼働したら: { $command }
state-clear-it = 有効 — 解除してください: { $command }
state-not-cleared = 有効(失敗した試行の後に解除できませんでした)
state-off-as-found = 無効(開始時のまま)
state-unknown = 不明(読み取れません)
state-off = 無効
state-was-on-before = この実行の前から有効でした
manual-on-he-host = セルフホストエンジンのホストで: { $command }
manual-if-he = この Manager がセルフホストエンジンの場合、セルフホストエンジンのホストで: { $command }
unit-not-installed = この Manager にインストールされていません
unit-masked = マスクされています
unit-disabled = 無効で停止中: 起動時に新しいファイルを読みます
phrase-host-sha1 = sha1-signature: vdsm の証明書は { $alg } で署名されています
phrase-host-chain = chain-invalid: Manager の現在の CA で署名されていません
phrase-host-no-san = missing-san: subjectAltName 拡張がありません
phrase-host-san-mismatch = san-mismatch: SAN にホストのアドレスがありません
phrase-host-expiring = expiring: { $time } に期限切れ (残り { $days } 日)
phrase-host-expired = expired: { $time } に期限切れ
phrase-host-issued-before = issued-before-ca-renewal: ホストは { $time } より前の CA のコピーを保持しています
phrase-host-unreadable = vdsm の証明書を読めませんでした ({ $error })
phrase-host-not-probed = vdsm の証明書は検査していません
phrase-host-selected = 選択
enroll-up-to-date = 最新: 現在の CA によるシリアル { $serial }、{ $signature }、SAN あり (--all-hosts を指定すると登録し直します)
## maintenance: メンテナンスサイクル (src/cli/cycle.rs) と `maintenance …` (src/cli/maintenance.rs)
cycle-prefix = サイクル:
cycle-plan-maintenance = グローバルメンテナンス: { $via }
cycle-plan-refused = 再起動を拒否: ファイルは変更しますが、どのユニットも再起動しません(終了コード 4)。コマンドを表示します
cycle-word-restart = 再起動
cycle-word-print = 表示
cycle-word-skip = 対象外
cycle-word-verify = 検証
cycle-word-skipped = 対象外
cycle-word-ok = 成功
cycle-word-failed = 失敗
cycle-plan-must-serve = { $address } が { $file } を提示すること
cycle-not-live = メンテナンスサイクルは実行しません: 稼働中の /etc/pki/ovirt-engine ではありません(それでもメンテナンス、再起動、検証を実行するには --cycle を指定)
cycle-he-left-to-admin = 管理者に任せます (--no-maintenance)
cycle-he-none-rest = セルフホストエンジンではありません (REST API に HostedEngine 仮想マシンがありません)
cycle-he-none-local = セルフホストエンジンではありません(ここの hosted-engine はデプロイされていません)
cycle-he-evidence-exists = { $path } が存在します
cycle-he-evidence-names = { $path } に { $key } があります
cycle-he-unknown = セルフホストエンジンを検出できず、除外もできません(--he-host も --he-api もなく、ここに hosted-engine コマンドもありません — セルフホストエンジンの Manager 仮想マシンにはありません)。グローバルメンテナンス外で httpd や ovirt-engine を再起動すると、HA エージェントが Manager 仮想マシンを再起動することがあります: セルフホストエンジンでは --he-host HOST または --he-api を、この Manager がセルフホストエンジンでない場合(または自分でグローバルメンテナンスを設定している場合)は --no-maintenance を、あるいは --no-restart を指定してください
cycle-he-unknown-evidence = セルフホストエンジンを検出できず、除外もできません(--he-host も --he-api もなく、ここに hosted-engine コマンドもありません — セルフホストエンジンの Manager 仮想マシンにはありません)。この Manager のファイルはセルフホストエンジンを示しています: { $evidence }。グローバルメンテナンス外で httpd や ovirt-engine を再起動すると、HA エージェントが Manager 仮想マシンを再起動することがあります: セルフホストエンジンでは --he-host HOST または --he-api を、この Manager がセルフホストエンジンでない場合(または自分でグローバルメンテナンスを設定している場合)は --no-maintenance を、あるいは --no-restart を指定してください
cycle-step-maintenance-on = グローバルメンテナンス有効化
cycle-step-maintenance-already-on = グローバルメンテナンス(有効化済み)
cycle-step-files = ファイル
cycle-step-restart-refused = 再起動を拒否
cycle-step-restart = 再起動
cycle-step-verify = 検証
cycle-step-maintenance-left-on = グローバルメンテナンス(維持)
cycle-step-maintenance-kept-on = グローバルメンテナンス(保持)
cycle-step-maintenance-off = グローバルメンテナンス解除
cycle-endpoint = エンドポイント
cycle-check-current = 最新
cycle-check-stale = 古い
cycle-check-unreachable = 到達不可
cycle-check-file-unreadable = ファイル読取不可
cycle-endpoint-served = 提示 { $served } / ディスク { $disk }
cycle-maintenance-now = 現在のグローバルメンテナンス: { $state }
cycle-todo = 要対応: { $step }
cycle-attention-refused = 注意: 再起動を拒否しました: { $detail }
cycle-attention-kept-on = 注意: 再起動が失敗したため、グローバルメンテナンスは有効のままです: { $state }
maint-status = グローバルメンテナンス: { $state } ({ $via })
maint-set = グローバルメンテナンス { $state } ({ $via }{ $already })
maint-on = 有効
maint-off = 無効
maint-already = 、すでにその状態でした
maint-host = ホスト
maint-score = スコア
maint-engine-vm = エンジン仮想マシン
maint-health = 健全性
maint-local-maintenance = (ローカルメンテナンス)
maint-no-endpoints = Manager の設定に TLS エンドポイントが見つかりません。--endpoint NAME=HOST:PORT で指定してください
maint-nothing-restarted = 何も再起動していません: { $why }
maint-no-unit = { $names } を読むユニットで、インストール済みかつ稼働中または有効なものがここにありません
maint-cannot-set = グローバルメンテナンスを設定できません: { $why }

## enroll: `hosts enroll` (src/cli/enroll.rs、進捗は src/cli/term.rs)
enroll-nothing = 証明書の登録が必要なホストはありません。
enroll-plan = 計画: { $hosts } 台のホストを { $waves } 回の波で処理します。同時にサービスから外すのは最大 { $parallel } 台です。
enroll-wave = 波 { $index }:
enroll-tag-spm = SPM: 先に役割を移動
enroll-tag-hosted-engine = セルフホストエンジン
enroll-tag-kept-in-maintenance = すでにメンテナンスモード: 証明書を登録し、メンテナンスモードのままにします
enroll-tag-vms = 仮想マシン { $vms } 台、{ $mib } MiB を移行
enroll-tag-sep = 、
enroll-col-cluster = クラスター
enroll-col-serial = シリアル
enroll-serial-at-wave = 波の直前に確認
enroll-col-status = 状態
enroll-note-expired = 注記: 証明書の有効期限が切れています: Manager はこの証明書で vdsm に接続できない(ホストは応答なしになる)ため、SSH で復旧してください: { $action }
enroll-skipped = 除外
enroll-args-not-recorded = 引数は記録されていません
enroll-would-discard = { $state } の未完了の実行を破棄します ({ $args })
enroll-discarding = { $state } の未完了の実行を破棄しています ({ $args })
enroll-attention-discarded = 注意: 破棄した実行により、ホスト { $host } はサービスから外れたままです(状態 { $status })。新しい計画は現在の状態のホストを扱います
enroll-warning-weak-https = 警告: Manager の HTTPS 証明書 (シリアル { $serial }) は { $signature } で署名されています。再署名してください: rhv-pki resign apache
enroll-attention-out = 注意: 保存された実行により、ホスト { $host } はサービスから外れています(状態 { $status })。そのサイクルを再開します
enroll-attention-out-dry = 注意: 保存された実行により、ホスト { $host } はサービスから外れています(状態 { $status })。再開するとそのサイクルを続けます
enroll-resume-out = 、サービスから外れているホスト: { $hosts }
enroll-resuming = { $state } の実行を再開します({ $total } 台中 { $done } 台完了{ $out })。残りのホストのみ表示します
enroll-would-resume = { $state } の実行を再開できます({ $total } 台中 { $done } 台完了{ $out })。残りのホストのみ表示します
enroll-left-alone = 証明書の登録が必要なホストのみ処理します。{ $count } 台のホストはすでに最新の証明書(現在の CA、SHA-256、SAN あり)を提示しているため対象外です: { $hosts } — --all-hosts を指定するとこれらも登録し直します
enroll-and-more = 、ほか { $count } 台
enroll-saved-progress = 保存された進捗(上のシリアルは実行を計画した時点のものです):
enroll-saved-enrolled = 、証明書の登録済み (881): アクティブ化と検証のみ
enroll-saved-out = 、サービスから外れています
enroll-refuse-no-terminal = --yes なしではホストをサービスから外しません: 標準入力が端末でないため、誰も確認できません。何もしていません(計画は --dry-run で確認できます)
enroll-confirm = これらの波で実行しますか? [y/N]
enroll-nothing-done = 何もしていません
enroll-result = 結果:
enroll-out-unknown = 状態が不明です (Manager が応答しませんでした)
enroll-out-maintenance = メンテナンスモードのままで、Up に戻っていません
enroll-out-status = 状態は { $status } で、Up に戻っていません
enroll-attention-after = 注意: この実行のサイクルの後、ホスト { $host } はサービスから外れています: { $why }
enroll-interrupted = { $signal } により中断しました: 新しいホストは開始していません。状態は { $state } に保存しています
enroll-to-resume = 再開するには: { $command }
enroll-progress-wave = 波 { $index }/{ $total }: { $hosts }
enroll-progress-done = 完了
enroll-progress-failed = 失敗
enroll-step-pending = 待機中
enroll-step-moving-spm = SPM を移動中
enroll-step-maintenance = メンテナンスモード
enroll-step-enroll = 証明書の登録
enroll-step-activate = アクティブ化
enroll-step-verifying = vdsm を検証中
enroll-step-done = 完了
enroll-step-failed = 失敗

## recover: `hosts recover` (src/cli/hosts.rs)
recover-plan-header = rhv-pki { $command }: { $dir } の計画 (O={ $org }、有効期間 { $from } -> { $to }、{ $days } 日)
recover-plan-host = ホスト { $host } (ssh { $addr }:{ $port })
recover-plan-cert = { $subject } SAN { $san } シリアル { $old } -> { $new } (以前の有効期限 { $until })、鍵を保持: { $key }
recover-plan-install = インストール先: { $files }
recover-plan-manager = Manager: { $files }、certs/{ $serial }.pem、database.txt、serial.txt
recover-plan-ca-copy = CA のコピー { $path } <- Manager の { $ca }.pem (以前のシリアル { $old })
recover-plan-then = その後: systemctl restart { $units }。{ $endpoint } を検査
recover-plan-unreachable = 到達不可 { $host }: { $reason }
recover-refuse-no-terminal = --yes なしではホストを復旧しません: 標準入力が端末でないため、誰も確認できません。どのホストにも接続しておらず、何も変更していません(計画の確認: --dry-run、適用: --yes)
recover-refuse-no-terminal-short = --yes なしではホストを復旧しません: 標準入力が端末ではありません(計画は --dry-run で確認できます)
recover-manager-failed = Manager: 失敗: { $error }
recover-manager-written = Manager: { $files } 個のファイルを書き込みました。バックアップ { $backup } ({ $dir }) (元に戻すには: { $undo } { $backup })
recover-host-ok = ホスト { $host }: 復旧しました。vdsm はシリアル { $serial } を提示しています。{ $files } 個のファイルをインストールしました。バックアップ: { $backups }
recover-none = なし
recover-nothing = なし
recover-not-restarted = サービスは再起動していません (--no-restart)。{ $host } で次を実行してください:
recover-then-confirm = その後、次で確認してください: rhv-pki hosts audit --ssh
recover-host-failed = ホスト { $host }: 失敗: { $error }
recover-installed = インストール済み: { $files }
recover-not-installed = 未インストール: { $files }
recover-host-backups = ホスト上のバックアップ: { $files }
recover-restarted = 再起動済み: { $units }
recover-still-to-run = 未実行: { $command }

## help: すべての --help の文(src/cli/help.rs。キーはコマンドのパスと引数 ID から)と clap 自身の語
help-about = oVirt / RHV Manager の X.509 PKI を監査、再署名、更新します
help-after-help = 各コマンドの --help(および man ページ)に、そのコマンドが返す終了コードを記載しています。引数の誤りはどのコマンドでも終了コード 3 (Nagios の UNKNOWN) です。--help と --version は 0 で終了します。
help-arg-lang = 人が読む出力(表、メッセージ、計画、ヘルプ)の言語: en または ja (ja_JP.UTF-8 などのロケール名も可)。既定では gettext と同様に LC_ALL、LC_MESSAGES、LANG を読みます。JSON、検出コード、終了コード、メトリクスはこの指定で変わりません
help-audit-about = Manager の PKI ディレクトリーにあるすべての証明書を検査します(読み取り専用)
help-audit-long-about =
    Manager の PKI ディレクトリーにあるすべての証明書を検査します(読み取り専用)。

    終了コード (Nagios プラグインの規約): 0 OK、1 WARNING、2 CRITICAL、3 UNKNOWN (監査を実行できなかった: 引数の誤り、PKI ディレクトリーがない、または読めない、--textfile-dir や --post-events などの付随処理が失敗した)。
help-audit-arg-root = etc/pki/ovirt-engine と etc/ovirt-engine/engine.conf.d を含むファイルシステムのルート(復元したバックアップ、コピー、同梱のサンプル)。絶対パスのシンボリックリンクはこの下で解決します
help-audit-arg-pki-dir = Manager の PKI ディレクトリー [既定: /etc/pki/ovirt-engine]
help-audit-arg-engine-conf-dir = ENGINE_FQDN を読む engine.conf.d [既定: 稼働中の PKI を監査する場合は /etc/ovirt-engine/engine.conf.d、それ以外は <root>/etc/ovirt-engine/engine.conf.d]
help-audit-arg-p12-password-file = PKCS#12 のパスワードを含むファイル(既定: $RHV_PKI_P12_PASSWORD。audit ではさらに engine.conf.d の ENGINE_PKI_ENGINE_STORE_PASSWORD、最後に oVirt の "mypass")
help-audit-arg-at = 現在ではなく、この時刻(YYYY-MM-DD または RFC 3339)の時点で証明書を判定します
help-audit-arg-warn-days = 証明書の有効期限がこの日数以内なら警告します(すべての役割) [既定: 役割ごと、renew と同じ: Web 証明書 60、その他と CA 365。または config.toml]
help-audit-arg-crit-days = 証明書の有効期限がこの日数以内なら重大とします(すべての役割) [既定: 30、または config.toml]
help-audit-arg-format = 出力形式
help-audit-arg-format-value-table = kubeadm 形式の表
help-audit-arg-format-value-json = バージョン付きの JSON 文書
help-audit-arg-format-value-prometheus = Prometheus テキスト形式 (node_exporter の textfile コレクター)
help-audit-arg-format-value-nagios = Nagios/NRPE/Icinga プラグインの 1 行: `STATE: summary | perfdata`
help-audit-arg-textfile-dir = Prometheus メトリクスを DIR/rhv_pki.prom にもアトミックに書き込みます (node_exporter の textfile コレクター)
help-audit-arg-config = 設定ファイル(TOML。役割の種類ごとのしきい値、既定の場所) [既定: /etc/rhv-pki/config.toml があればそれ]
help-audit-arg-color = 表の色付け: auto = 端末の場合のみ
help-audit-arg-policy = プラットフォームの準備状況の判定も 1 つ出力します: `el9` は RHEL 9 の DEFAULT 暗号化ポリシーが拒否するもの、または OpenSSL 3 が読めないもの(SHA-1 署名、RC2-40 の PKCS#12、2048 ビット未満の RSA、`default_md = sha1`)を、それぞれを修正するコマンドとともに一覧にします。準備ができていない場合、終了コードは 1 (WARNING) 以上になります。README の "RHEL 9 readiness" を参照してください
help-audit-arg-policy-value-el9 = RHEL 9: DEFAULT 暗号化ポリシーが拒否するもの、または OpenSSL 3 が読めないもの
help-audit-arg-threads = ワーカースレッド数 (0 = CPU ごとに 1 つ)
help-audit-arg-post-events = 監査で警告以上が見つかったとき、Manager の監査ログに概要イベントを登録し、ovirt-engine-notifier のメール/SNMP 通知に載せます(日ごと・重大度ごとに 1 件。Manager がカスタム ID で重複を除きます)
help-audit-arg-engine-url = Manager の URL [既定: engine.conf.d の ENGINE_FQDN から https://<ENGINE_FQDN>]
help-heading-manager-api-post-events = Manager の API (--post-events)
help-audit-arg-connect-to = URL のホスト名を解決せずにこのアドレスに接続します(証明書が持つべき名前は引き続き URL のホスト名です)。curl の --connect-to と同様
help-audit-arg-ca-file = Manager の HTTPS で信頼する CA [既定: <pki-dir>/ca.pem。Apache にサードパーティーの証明書がある場合は apache-ca.pem を使用]
help-audit-arg-user = ログインする Manager のユーザー (USER@PROFILE)
help-audit-arg-password-file = パスワードを含むファイル [既定: $RHV_PKI_ENGINE_PASSWORD]。コマンドラインには決して指定しません
help-audit-arg-api-timeout = 1 リクエストあたりの秒数
help-audit-arg-probe = Manager の TLS エンドポイントにも接続し、ディスク上のファイルと異なる証明書を提示しているものを `restart-needed` として報告します(証明書を提示しないものは `endpoint-unreachable`)
help-heading-endpoint-probe-probe = エンドポイントの検査 (--probe)
help-audit-arg-endpoints = 検査するエンドポイント(検出したアドレスを上書き): NAME=HOST:PORT。NAME は httpd、jboss、websocket-proxy、imageio、imageio-proxy、ovirt-provider-ovn のいずれか(複数指定可)
help-audit-arg-probe-timeout = TLS 検査 1 回あたりの秒数
help-conf-about = openssl.conf に `default_md = sha256` を設定します(バックアップを保持し、他のバイトは変更しません)
help-conf-long-about =
    openssl.conf に `default_md = sha256` を設定します(バックアップを保持し、他のバイトは変更しません)。

    終了コード: 0 完了(変更不要、または --dry-run を含む)、1 いずれかの手順が失敗し、すべてロールバックした、2 何も変更する前に拒否した(確認されなかった: no と回答した、または --yes なしで標準入力が端末でない。ロックまたはチェックが拒否した)、3 使い方の誤り。
help-conf-arg-root = { help-audit-arg-root }
help-conf-arg-pki-dir = { help-audit-arg-pki-dir }
help-conf-arg-engine-conf-dir = { help-audit-arg-engine-conf-dir }
help-conf-arg-p12-password-file = { help-audit-arg-p12-password-file }
help-conf-arg-dry-run = 計画を表示し、何も変更しません
help-conf-arg-yes = 確認せずに適用します(標準入力が端末でない場合は必須)
help-conf-arg-format = { help-audit-arg-format }
help-conf-arg-format-value-table = 人が読むテキスト
help-conf-arg-format-value-json = JSON 文書 (`kind`、`apiVersion`)
help-conf-arg-backup-dir = バックアップの保存先 [既定: /var/lib/rhv-pki/backups、または <root>/var/lib/rhv-pki/backups]
help-conf-arg-lock-timeout = エンジンの証明書登録が保持する CA ロックを待つ時間
help-conf-arg-legacy-lock-dir = 4.2–4.4 のロックディレクトリー [既定: /tmp/ovirt-engine-pki.v2.lock。--root 指定時はその下]
help-conf-arg-config = 設定ファイル: `[thresholds]` の期間で、audit と同様に更新が必要なものを決めます [既定: /etc/rhv-pki/config.toml があればそれ]
help-resign-about = 鍵を保持したまま証明書を SHA-256 で再署名します(SHA-1 から SHA-256 への移行手順)
help-resign-long-about =
    鍵を保持したまま証明書を SHA-256 で再署名します(SHA-1 から SHA-256 への移行手順)。

    終了コード: 0 完了(変更不要、または --dry-run を含む)、1 いずれかの手順が失敗し、すべてロールバックした、2 何も変更する前に拒否した(確認されなかった: no と回答した、または --yes なしで標準入力が端末でない。チェックが計画を拒否した。グローバルメンテナンスを設定できなかった)、3 使い方の誤り、4 ファイルは変更したがメンテナンスサイクルが完了しなかった(再起動が失敗してグローバルメンテナンスを維持している、セルフホストエンジンを除外できないため再起動を拒否した、グローバルメンテナンスを解除できなかった、または再起動後にエンドポイントが証明書を提示しなかった: endpoint-unreachable)、5 ファイルを変更してサービスを再起動したが、エンドポイントがまだ古い証明書を提示している(restart-needed)。

    メンテナンスサイクルは稼働中の PKI、または --cycle 指定時に実行します。それ以外では最初の 4 つのコードのみ発生します。
help-resign-arg-names = 再署名する証明書: ca、qemu-ca、engine、apache、websocket-proxy、jboss、…
help-resign-arg-all = 必要なすべての CA とエンティティー: 脆弱なもの(SHA-1/MD5、RC2-40 の p12、SAN がない、…)または期限が近いもの。計画には各証明書を含める理由または除外する理由を示します(サードパーティーの証明書には手を付けません)
help-resign-arg-force = --all と併用: 問題のない証明書も再署名します(存在するすべての CA とエンティティー)
help-resign-arg-ca-days = CA を再署名する場合の CA の有効日数(現在から) [既定: 3650。ただし CA の現在の notAfter より早くはしません]
help-resign-arg-days = エンティティーの有効日数 [既定: 1827、Web 証明書は 398。oVirt 4.5 と同じ]
help-resign-arg-p12-format = PKCS#12 の形式 [既定: 元のファイルと同じ系統。RC2-40 は常に 3DES にします]
help-resign-arg-p12-format-value-legacy3des = PBE-SHA1-3DES + SHA-1 MAC (legacy プロバイダーなしでどこでも読めます)
help-resign-arg-p12-format-value-modern = PBES2/AES-256-CBC + HMAC-SHA256 (OpenSSL 3 の既定)
help-resign-arg-root = { help-audit-arg-root }
help-resign-arg-pki-dir = { help-audit-arg-pki-dir }
help-resign-arg-engine-conf-dir = { help-audit-arg-engine-conf-dir }
help-resign-arg-p12-password-file = { help-audit-arg-p12-password-file }
help-resign-arg-dry-run = { help-conf-arg-dry-run }
help-resign-arg-yes = { help-conf-arg-yes }
help-resign-arg-format = { help-audit-arg-format }
help-resign-arg-format-value-table = { help-conf-arg-format-value-table }
help-resign-arg-format-value-json = { help-conf-arg-format-value-json }
help-resign-arg-backup-dir = { help-conf-arg-backup-dir }
help-resign-arg-lock-timeout = { help-conf-arg-lock-timeout }
help-resign-arg-legacy-lock-dir = { help-conf-arg-legacy-lock-dir }
help-resign-arg-config = { help-conf-arg-config }
help-resign-arg-no-maintenance = セルフホストエンジンのグローバルメンテナンスに触れません: この Manager はセルフホストエンジンではない、または自分でグローバルメンテナンスを設定している場合。セルフホストエンジンが検出されず、除外もできない場合(--he-host / --he-api / ローカルの hosted-engine)に再起動するには必須です
help-heading-maintenance-cycle-the-live-pki-or-cycle = メンテナンスサイクル(稼働中の PKI、または --cycle)
help-resign-arg-no-restart = サービスを再起動しません: 代わりに正確なコマンドを表示します
help-resign-arg-no-verify = 再起動後にエンドポイントを検査しません
help-resign-arg-cycle = --root / --pki-dir が稼働中の /etc/pki/ovirt-engine でなくても、サイクル(メンテナンス、再起動、検証)を実行します(既定では稼働中の PKI でのみ実行)
help-resign-arg-verify-timeout = 再起動後、エンドポイントが新しい証明書を提示するまで待つ秒数
help-resign-arg-endpoints = { help-audit-arg-endpoints }
help-resign-arg-probe-timeout = { help-audit-arg-probe-timeout }
help-resign-arg-he-host = グローバルメンテナンスを操作するセルフホストエンジンのホスト(`localhost`: このマシン)
help-resign-arg-he-api = ホスト上の `hosted-engine` ではなく、Manager の REST API (HostedEngine 仮想マシンのメンテナンス操作)でグローバルメンテナンスを操作します(--password-file を指定した場合はこのフラグがなくてもそうします)
help-resign-arg-maintenance-timeout = グローバルメンテナンスを設定してから反映されるまで待つ秒数
help-resign-arg-engine-url = { help-audit-arg-engine-url }
help-heading-manager-api-he-api = Manager の API (--he-api)
help-resign-arg-connect-to = { help-audit-arg-connect-to }
help-resign-arg-ca-file = { help-audit-arg-ca-file }
help-resign-arg-user = { help-audit-arg-user }
help-resign-arg-password-file = { help-audit-arg-password-file }
help-resign-arg-api-timeout = { help-audit-arg-api-timeout }
help-renew-about = 有効期限が近い証明書、または指定した証明書を再発行します
help-renew-long-about =
    有効期限が近い証明書、または指定した証明書を再発行します。

    終了コード: 0 完了(更新が必要なものがない、または --dry-run を含む)、1 いずれかの手順が失敗し、すべてロールバックした、2 何も変更する前に拒否した(確認されなかった: no と回答した、または --yes なしで標準入力が端末でない。チェックが計画を拒否した。グローバルメンテナンスを設定できなかった)、3 使い方の誤り、4 ファイルは変更したがメンテナンスサイクルが完了しなかった(再起動が失敗してグローバルメンテナンスを維持している、セルフホストエンジンを除外できないため再起動を拒否した、グローバルメンテナンスを解除できなかった、または再起動後にエンドポイントが証明書を提示しなかった: endpoint-unreachable)、5 ファイルを変更してサービスを再起動したが、エンドポイントがまだ古い証明書を提示している(restart-needed)。

    メンテナンスサイクルは稼働中の PKI、または --cycle 指定時に実行します。それ以外では最初の 4 つのコードのみ発生します。
help-renew-arg-names = これらの証明書のみ [既定: 更新が必要なすべての証明書]
help-renew-arg-within = DAYS 日以内に期限が切れるものを更新します [既定: 役割ごとの警告期間、audit と同じ: Web 証明書は 60、その他は 365 (engine-setup と同じ)。または config.toml]
help-renew-arg-keep-key = 各鍵を保持します(既定)
help-renew-arg-new-key = 新しい RSA-2048 鍵を生成します(engine には使用しません)
help-renew-arg-ca-days = { help-resign-arg-ca-days }
help-renew-arg-days = { help-resign-arg-days }
help-renew-arg-p12-format = { help-resign-arg-p12-format }
help-renew-arg-p12-format-value-legacy3des = { help-resign-arg-p12-format-value-legacy3des }
help-renew-arg-p12-format-value-modern = { help-resign-arg-p12-format-value-modern }
help-renew-arg-root = { help-audit-arg-root }
help-renew-arg-pki-dir = { help-audit-arg-pki-dir }
help-renew-arg-engine-conf-dir = { help-audit-arg-engine-conf-dir }
help-renew-arg-p12-password-file = { help-audit-arg-p12-password-file }
help-renew-arg-dry-run = { help-conf-arg-dry-run }
help-renew-arg-yes = { help-conf-arg-yes }
help-renew-arg-format = { help-audit-arg-format }
help-renew-arg-format-value-table = { help-conf-arg-format-value-table }
help-renew-arg-format-value-json = { help-conf-arg-format-value-json }
help-renew-arg-backup-dir = { help-conf-arg-backup-dir }
help-renew-arg-lock-timeout = { help-conf-arg-lock-timeout }
help-renew-arg-legacy-lock-dir = { help-conf-arg-legacy-lock-dir }
help-renew-arg-config = { help-conf-arg-config }
help-renew-arg-no-maintenance = { help-resign-arg-no-maintenance }
help-renew-arg-no-restart = { help-resign-arg-no-restart }
help-renew-arg-no-verify = { help-resign-arg-no-verify }
help-renew-arg-cycle = { help-resign-arg-cycle }
help-renew-arg-verify-timeout = { help-resign-arg-verify-timeout }
help-renew-arg-endpoints = { help-audit-arg-endpoints }
help-renew-arg-probe-timeout = { help-audit-arg-probe-timeout }
help-renew-arg-he-host = { help-resign-arg-he-host }
help-renew-arg-he-api = { help-resign-arg-he-api }
help-renew-arg-maintenance-timeout = { help-resign-arg-maintenance-timeout }
help-renew-arg-engine-url = { help-audit-arg-engine-url }
help-renew-arg-connect-to = { help-audit-arg-connect-to }
help-renew-arg-ca-file = { help-audit-arg-ca-file }
help-renew-arg-user = { help-audit-arg-user }
help-renew-arg-password-file = { help-audit-arg-password-file }
help-renew-arg-api-timeout = { help-audit-arg-api-timeout }
help-rollback-about = PKI ディレクトリーと engine.conf.d をバックアップからバイト単位で同一に復元します
help-rollback-long-about =
    PKI ディレクトリーと engine.conf.d をバックアップからバイト単位で同一に復元します。

    終了コード: 0 復元した(または --dry-run)、2 拒否した、または復元に失敗した(中断された変更を先に元に戻す必要がある。確認されなかった: no と回答した、または --yes なしで標準入力が端末でない。ロックまたはバックアップを使用できなかった: メッセージを参照)、3 使い方の誤り(そのバックアップがない、ロールバックする完了済みの変更がない、PKI ディレクトリーでない)。
help-rollback-arg-id = バックアップ ID (`rhv-pki backups` を参照) [既定: 最新の完了済みの変更]
help-rollback-arg-root = { help-audit-arg-root }
help-rollback-arg-pki-dir = { help-audit-arg-pki-dir }
help-rollback-arg-engine-conf-dir = { help-audit-arg-engine-conf-dir }
help-rollback-arg-p12-password-file = { help-audit-arg-p12-password-file }
help-rollback-arg-dry-run = { help-conf-arg-dry-run }
help-rollback-arg-yes = { help-conf-arg-yes }
help-rollback-arg-format = { help-audit-arg-format }
help-rollback-arg-format-value-table = { help-conf-arg-format-value-table }
help-rollback-arg-format-value-json = { help-conf-arg-format-value-json }
help-rollback-arg-backup-dir = { help-conf-arg-backup-dir }
help-rollback-arg-lock-timeout = { help-conf-arg-lock-timeout }
help-rollback-arg-legacy-lock-dir = { help-conf-arg-legacy-lock-dir }
help-rollback-arg-config = { help-conf-arg-config }
help-backups-about = rhv-pki のバックアップを一覧表示します
help-backups-long-about =
    rhv-pki のバックアップを一覧表示します。

    終了コード: 0 一覧を表示した、2 バックアップディレクトリーを読めない、3 使い方の誤り (PKI ディレクトリーでない)。
help-backups-arg-root = { help-audit-arg-root }
help-backups-arg-pki-dir = { help-audit-arg-pki-dir }
help-backups-arg-engine-conf-dir = { help-audit-arg-engine-conf-dir }
help-backups-arg-p12-password-file = { help-audit-arg-p12-password-file }
help-backups-arg-backup-dir = { help-conf-arg-backup-dir }
help-backups-arg-format = { help-audit-arg-format }
help-backups-arg-format-value-table = { help-conf-arg-format-value-table }
help-backups-arg-format-value-json = { help-conf-arg-format-value-json }
help-hosts-about = ホスト: 提示している証明書 (TLS) や保持している証明書 (--ssh) を監査し、期限切れのものを SSH で復旧し、Manager を通じてローリング方式のメンテナンスの波で証明書を登録し直します
help-hosts-audit-about = 各ホストの証明書一式を読み、Manager の現在の CA に照らして判定します
help-hosts-audit-long-about =
    各ホストの証明書一式を読み、Manager の現在の CA に照らして判定します。

    終了コード (Nagios): 0 OK、1 WARNING、2 CRITICAL (到達できないホストは重大)、3 UNKNOWN (引数の誤り、PKI ディレクトリーを読めない、Manager にホストを問い合わせられなかった、textfile を書き込めなかった)。
help-hosts-audit-arg-root = { help-audit-arg-root }
help-hosts-audit-arg-pki-dir = { help-audit-arg-pki-dir }
help-hosts-audit-arg-engine-conf-dir = { help-audit-arg-engine-conf-dir }
help-hosts-audit-arg-p12-password-file = { help-audit-arg-p12-password-file }
help-hosts-audit-arg-ssh = SSH でホストに接続して証明書ファイルを読みます。指定しない場合、`hosts audit` はエンジンと同様に各ホストの vdsm と TLS でハンドシェイクします
help-hosts-audit-arg-hosts = ホスト: NAME (Manager が認識しているアドレス)、または別の場所に接続する場合は NAME=ADDR[:PORT] (--ssh あり: SSH のアドレス、`local` = このマシン。なし: vdsm のエンドポイント)。複数指定可 [既定: --ssh ありでは PKI ディレクトリーに certs/<host>.cer があるすべてのホスト。なしでは REST API で得た Manager のホスト]
help-hosts-audit-arg-ssh-user = ホストにログインするユーザー
help-hosts-audit-arg-ssh-key = 秘密鍵ファイル [既定: SSH_AUTH_SOCK の ssh-agent、なければ ~/.ssh/id_ed25519、id_rsa]
help-hosts-audit-arg-known-hosts = ホスト鍵の検証に使う known_hosts ファイル [既定: ~/.ssh/known_hosts]
help-hosts-audit-arg-ssh-port = ホストの SSH ポート (--host NAME=ADDR:PORT はそのホストについてこれを上書きします)
help-hosts-audit-arg-accept-new-host-key = known_hosts にまだないホストの鍵を記録します(変更された鍵は決して受け入れません)
help-hosts-audit-arg-connect-timeout = 1 つのホストへの接続と認証にかける秒数
help-hosts-audit-arg-command-timeout = ホスト上の 1 つのコマンドにかけられる秒数
help-hosts-audit-arg-max-parallel = 同時に処理するホストの数
help-hosts-audit-arg-host-prefix = ホストのパスを DIR の下に置き換えます ({"{"}host{"}"} = ホスト名)。例: ホスト h1 の /etc/pki/vdsm が DIR/h1/etc/pki/vdsm であるテスト環境用
help-hosts-audit-arg-at = { help-audit-arg-at }
help-hosts-audit-arg-warn-days = 証明書の有効期限がこの日数以内なら警告します [既定: ホスト証明書は 365。Manager および hosts enroll --only-needed と同じ。または config.toml]
help-hosts-audit-arg-crit-days = 証明書の有効期限がこの日数以内なら重大とします [既定: 30、または config.toml]
help-hosts-audit-arg-format = { help-audit-arg-format }
help-hosts-audit-arg-format-value-table = { help-audit-arg-format-value-table }
help-hosts-audit-arg-format-value-json = { help-audit-arg-format-value-json }
help-hosts-audit-arg-format-value-prometheus = { help-audit-arg-format-value-prometheus }
help-hosts-audit-arg-format-value-nagios = { help-audit-arg-format-value-nagios }
help-hosts-audit-arg-textfile-dir = Prometheus メトリクスを DIR/rhv_pki_hosts.prom にもアトミックに書き込みます (node_exporter の textfile コレクター。audit の rhv_pki.prom の隣)
help-hosts-audit-arg-config = 設定ファイル(役割の種類ごとの TOML しきい値) [既定: /etc/rhv-pki/config.toml があればそれ]
help-hosts-audit-arg-color = { help-audit-arg-color }
help-hosts-audit-arg-policy = 準備状況の判定も 1 つ出力します: `el9` はホスト上で RHEL 9 の DEFAULT 暗号化ポリシーが拒否するもの(SHA-1 署名、ssh-rsa で署名された vmconsole 証明書、2048 ビット未満の RSA)を修正方法とともに一覧にします。準備ができていない場合、終了コードは 1 (WARNING) 以上になります
help-hosts-audit-arg-policy-value-el9 = { help-audit-arg-policy-value-el9 }
help-hosts-audit-arg-cluster = --ssh なし: これらのクラスター(名前)のホストのみ
help-hosts-audit-arg-engine-url = { help-audit-arg-engine-url }
help-heading-manager-api-without-ssh = Manager の API (--ssh なし)
help-hosts-audit-arg-connect-to = { help-audit-arg-connect-to }
help-hosts-audit-arg-ca-file = { help-audit-arg-ca-file }
help-hosts-audit-arg-user = { help-audit-arg-user }
help-hosts-audit-arg-password-file = { help-audit-arg-password-file }
help-hosts-audit-arg-api-timeout = { help-audit-arg-api-timeout }
help-hosts-audit-arg-vdsm-port = すべてのホストでの vdsm のポート
help-heading-vdsm-tls-without-ssh = vdsm の TLS (--ssh なし)
help-hosts-audit-arg-vdsm-endpoint = あるホストの vdsm が実際に待ち受けている場所: NAME=HOST:PORT (NAME はホストの名前またはアドレス)。複数指定可
help-hosts-audit-arg-probe-timeout = TLS ハンドシェイク 1 回あたりの秒数
help-hosts-audit-arg-probe-parallel = 同時に行うハンドシェイクの数
help-hosts-recover-about = Manager が使用できなくなったホスト証明書(期限切れ、CA の変更)を各ホストの鍵を保持したまま再発行してインストールし、サービスを再起動して vdsm が提示する証明書を確認します
help-hosts-recover-long-about =
    Manager が使用できなくなったホスト証明書(期限切れ、CA の変更)を各ホストの鍵を保持したまま再発行してインストールし、サービスを再起動して vdsm が提示する証明書を確認します。

    終了コード: 0 完了(または該当なし、またはすべてのホストを読めた --dry-run)、1 ホストを読めなかった、または復旧できなかった、あるいは Manager への書き込みが失敗した (Manager はロールバック済み。ホストの状態を報告します)、2 拒否した、何も変更していない(確認されなかった: 端末でない標準入力で --yes がない場合はどのホストにも接続しません。ロックまたはチェックが拒否した)、3 使い方の誤り。
help-hosts-recover-arg-root = { help-audit-arg-root }
help-hosts-recover-arg-pki-dir = { help-audit-arg-pki-dir }
help-hosts-recover-arg-engine-conf-dir = { help-audit-arg-engine-conf-dir }
help-hosts-recover-arg-p12-password-file = { help-audit-arg-p12-password-file }
help-hosts-recover-arg-ssh = { help-hosts-audit-arg-ssh }
help-hosts-recover-arg-hosts = { help-hosts-audit-arg-hosts }
help-hosts-recover-arg-ssh-user = { help-hosts-audit-arg-ssh-user }
help-hosts-recover-arg-ssh-key = { help-hosts-audit-arg-ssh-key }
help-hosts-recover-arg-known-hosts = { help-hosts-audit-arg-known-hosts }
help-hosts-recover-arg-ssh-port = { help-hosts-audit-arg-ssh-port }
help-hosts-recover-arg-accept-new-host-key = { help-hosts-audit-arg-accept-new-host-key }
help-hosts-recover-arg-connect-timeout = { help-hosts-audit-arg-connect-timeout }
help-hosts-recover-arg-command-timeout = { help-hosts-audit-arg-command-timeout }
help-hosts-recover-arg-max-parallel = { help-hosts-audit-arg-max-parallel }
help-hosts-recover-arg-host-prefix = { help-hosts-audit-arg-host-prefix }
help-hosts-recover-arg-dry-run = 計画を表示し、何も変更しません(計画を作るためにホストは読みます)
help-hosts-recover-arg-yes = { help-conf-arg-yes }
help-hosts-recover-arg-format = { help-audit-arg-format }
help-hosts-recover-arg-format-value-table = { help-conf-arg-format-value-table }
help-hosts-recover-arg-format-value-json = { help-conf-arg-format-value-json }
help-hosts-recover-arg-days = 新しいホスト証明書の有効日数 (VdsCertificateValidityInDays)
help-hosts-recover-arg-within = 証明書の有効期限が DAYS 日以内のホストも復旧します
help-hosts-recover-arg-force = 該当しない場合でも再発行します
help-hosts-recover-arg-no-restart = ホスト上のサービスを再起動しません: 代わりに実行するコマンドを表示します
help-hosts-recover-arg-vdsm-port = 再起動後に検査する vdsm の TLS ポート
help-hosts-recover-arg-probe-timeout = 再起動後、vdsm が新しい証明書を提示するまで待つ時間
help-hosts-recover-arg-backup-dir = Manager の PKI のバックアップの保存先 [既定: /var/lib/rhv-pki/backups。--root 指定時はその下]
help-hosts-recover-arg-lock-timeout = { help-conf-arg-lock-timeout }
help-hosts-enroll-about = Manager を通じて、ローリング方式のメンテナンスの波でホスト証明書を登録し直します: メンテナンスモード → 証明書の登録 → アクティブ化。その後 vdsm が新しい証明書を提示することを確認します
help-hosts-enroll-long-about =
    Manager を通じて、ローリング方式のメンテナンスの波でホスト証明書を登録し直します: メンテナンスモード → 証明書の登録 → アクティブ化。その後 vdsm が新しい証明書を提示することを確認します。

    終了コード: 0 完了(対象なし、または --dry-run を含む)、1 ホストが失敗した(レポートを参照。メンテナンスモードのまま残ったホストを一覧表示します)、2 何も変更する前に拒否した(確認されなかった: no と回答した、または --yes なしで標準入力が端末でない。Manager へのログインまたは TLS。別の引数で保存された実行がある。計画では HostedEngine 仮想マシンを安全に保てない)、3 使い方の誤り、129 ハングアップ、130 割り込み、143 終了(同じコマンドを再実行すると再開します)。
help-hosts-enroll-arg-root = { help-audit-arg-root }
help-hosts-enroll-arg-pki-dir = { help-audit-arg-pki-dir }
help-hosts-enroll-arg-engine-conf-dir = { help-audit-arg-engine-conf-dir }
help-hosts-enroll-arg-p12-password-file = { help-audit-arg-p12-password-file }
help-hosts-enroll-arg-cluster = これらのクラスター(名前)のホストのみ
help-hosts-enroll-arg-host = これらのホスト(名前またはアドレス)のみ
help-hosts-enroll-arg-only-needed = 提示している証明書に登録し直しが必要なホストのみ: SHA-1、--within 以内に期限切れ、現在の CA で署名されていない、SAN にアドレスがない、CA の再署名より前に発行された。これが既定です。このフラグは互換性のために残しています
help-hosts-enroll-arg-all-hosts = 選択したすべてのホストを登録し直します(証明書がすでに最新のホストも)
help-hosts-enroll-arg-within = 有効期限がこの日数以内の証明書は登録し直しが必要です
help-hosts-enroll-arg-discard-state = 状態ファイルに記録された未完了の実行を破棄し(`<state>.discarded` として隣に保存)、計画し直します
help-hosts-enroll-arg-max-parallel = 同時にサービスから外すホストの最大数
help-hosts-enroll-arg-dry-run = { help-conf-arg-dry-run }
help-hosts-enroll-arg-yes = 確認せずに実行します(標準入力が端末でない場合は必須)
help-hosts-enroll-arg-format = { help-audit-arg-format }
help-hosts-enroll-arg-format-value-table = { help-conf-arg-format-value-table }
help-hosts-enroll-arg-format-value-json = { help-conf-arg-format-value-json }
help-hosts-enroll-arg-state = 実行の状態ファイル(同じコマンドを再実行すると再開します) [既定: /var/lib/rhv-pki/enroll-state.json。--root 指定時はその下]
help-hosts-enroll-arg-poll-interval = 状態を確認する間隔(秒)
help-hosts-enroll-arg-maintenance-timeout = ホストがメンテナンスモードになるまで待つ秒数(超えるとホストを戻して実行を停止します)
help-hosts-enroll-arg-install-start-timeout = 証明書の登録が開始される (installing / イベント 881) まで待つ秒数
help-hosts-enroll-arg-install-timeout = 証明書の登録が完了するまで待つ秒数
help-hosts-enroll-arg-activate-timeout = アクティブ化したホストが Up になるまで待つ秒数
help-hosts-enroll-arg-settle-timeout = 移行中のホスト (unassigned、initializing、preparing for maintenance) を、最終的な状態を判断する前に読み直す秒数
help-hosts-enroll-arg-outage-timeout = Manager に到達できない、または 500/502/503/504 を返す間(再起動、停止)、安全な読み取りをバックオフしながら再試行する秒数
help-hosts-enroll-arg-engine-url = { help-audit-arg-engine-url }
help-heading-manager-api = Manager の API
help-hosts-enroll-arg-connect-to = { help-audit-arg-connect-to }
help-hosts-enroll-arg-ca-file = { help-audit-arg-ca-file }
help-hosts-enroll-arg-user = { help-audit-arg-user }
help-hosts-enroll-arg-password-file = { help-audit-arg-password-file }
help-hosts-enroll-arg-api-timeout = { help-audit-arg-api-timeout }
help-hosts-enroll-arg-vdsm-port = { help-hosts-audit-arg-vdsm-port }
help-heading-vdsm-tls = vdsm の TLS
help-hosts-enroll-arg-vdsm-endpoint = { help-hosts-audit-arg-vdsm-endpoint }
help-hosts-enroll-arg-probe-timeout = { help-hosts-audit-arg-probe-timeout }
help-hosts-enroll-arg-probe-parallel = { help-hosts-audit-arg-probe-parallel }
help-upgrade-about = アップグレードガイドの手順全体を再開可能な 1 つのコマンドで実行します: 事前チェック(一度にすべて報告)、openssl.conf、脆弱なものや期限が近いものの再署名、メンテナンスサイクル、波ごとのホストの証明書の登録、最終監査。`--dry-run` は計画と事前チェックを表示します。状態はフェーズごとに保存されるため、再実行すると失敗したフェーズから再開し、完了したフェーズは繰り返しません(`upgrade status` で別の端末からも確認できます)
help-upgrade-long-about =
    アップグレードガイドの手順全体を再開可能な 1 つのコマンドで実行します: 事前チェック(一度にすべて報告)、openssl.conf、脆弱なものや期限が近いものの再署名、メンテナンスサイクル、波ごとのホストの証明書の登録、最終監査。`--dry-run` は計画と事前チェックを表示します。状態はフェーズごとに保存されるため、再実行すると失敗したフェーズから再開し、完了したフェーズは繰り返しません(`upgrade status` で別の端末からも確認できます)。

    終了コード: 0 完了(対象なし、またはすべての事前チェックに合格した --dry-run を含む)、1 フェーズが失敗した(再署名をロールバックした、またはホストの証明書の登録が失敗した)、2 何も変更する前に拒否した(事前チェックが失敗した、確認されなかった、保存された状態が別の実行のもの)、または最終監査でまだ重大な問題がある、3 使い方の誤り、4 ファイルは変更したがメンテナンスサイクルが完了しなかった、5 エンドポイントがまだ古い証明書を提示している、129 ハングアップ、130 割り込み、143 終了(再実行すると再開します)。
help-upgrade-arg-root = { help-audit-arg-root }
help-upgrade-arg-pki-dir = { help-audit-arg-pki-dir }
help-upgrade-arg-engine-conf-dir = { help-audit-arg-engine-conf-dir }
help-upgrade-arg-p12-password-file = { help-audit-arg-p12-password-file }
help-upgrade-arg-dry-run = { help-conf-arg-dry-run }
help-upgrade-arg-yes = { help-conf-arg-yes }
help-upgrade-arg-format = { help-audit-arg-format }
help-upgrade-arg-format-value-table = { help-conf-arg-format-value-table }
help-upgrade-arg-format-value-json = { help-conf-arg-format-value-json }
help-upgrade-arg-backup-dir = { help-conf-arg-backup-dir }
help-upgrade-arg-lock-timeout = { help-conf-arg-lock-timeout }
help-upgrade-arg-legacy-lock-dir = { help-conf-arg-legacy-lock-dir }
help-upgrade-arg-config = { help-conf-arg-config }
help-upgrade-arg-ca-days = { help-resign-arg-ca-days }
help-upgrade-arg-days = { help-resign-arg-days }
help-upgrade-arg-p12-format = { help-resign-arg-p12-format }
help-upgrade-arg-p12-format-value-legacy3des = { help-resign-arg-p12-format-value-legacy3des }
help-upgrade-arg-p12-format-value-modern = { help-resign-arg-p12-format-value-modern }
help-upgrade-arg-state = アップグレードの保存された状態 [既定: <backup-dir>/upgrade-state.json]
help-upgrade-arg-discard-state = 未完了のアップグレードの保存された状態を破棄してやり直します (PKI は読み直します。完了したことは完了したままで、新しい計画はそれを反映します)
help-upgrade-arg-exclude-hosts = このホストを除外します(その状態は事前チェックを妨げず、証明書の登録も行いません)
help-upgrade-arg-max-parallel = 証明書の登録中に同時にサービスから外すホストの数
help-upgrade-arg-vdsm-port = { help-hosts-audit-arg-vdsm-port }
help-heading-vdsm-tls-the-hosts-the-probe-timeout-is-probe-timeout = vdsm の TLS (ホスト。検査のタイムアウトは --probe-timeout)
help-upgrade-arg-vdsm-endpoint = あるホストの vdsm が実際に待ち受けている場所: NAME=HOST:PORT。複数指定可
help-upgrade-arg-probe-parallel = 同時に行う vdsm のハンドシェイクの数
help-upgrade-arg-poll-interval = 証明書の登録中に Manager を確認する間隔(秒)
help-upgrade-arg-no-maintenance = { help-resign-arg-no-maintenance }
help-heading-maintenance-cycle-and-manager = メンテナンスサイクルと Manager
help-upgrade-arg-no-restart = { help-resign-arg-no-restart }
help-upgrade-arg-no-verify = { help-resign-arg-no-verify }
help-upgrade-arg-cycle = { help-resign-arg-cycle }
help-upgrade-arg-verify-timeout = { help-resign-arg-verify-timeout }
help-upgrade-arg-endpoints = { help-audit-arg-endpoints }
help-upgrade-arg-probe-timeout = { help-audit-arg-probe-timeout }
help-upgrade-arg-he-host = { help-resign-arg-he-host }
help-upgrade-arg-he-api = { help-resign-arg-he-api }
help-upgrade-arg-maintenance-timeout = { help-resign-arg-maintenance-timeout }
help-upgrade-arg-engine-url = { help-audit-arg-engine-url }
help-upgrade-arg-connect-to = { help-audit-arg-connect-to }
help-upgrade-arg-ca-file = { help-audit-arg-ca-file }
help-upgrade-arg-user = { help-audit-arg-user }
help-upgrade-arg-password-file = { help-audit-arg-password-file }
help-upgrade-arg-api-timeout = { help-audit-arg-api-timeout }
help-upgrade-status-about = 保存されたアップグレードのフェーズと状態を表示します(読み取り専用。実行中でも安全)
help-upgrade-status-long-about =
    保存されたアップグレードのフェーズと状態を表示します(読み取り専用。実行中でも安全)。

    終了コード: 0 表示した、3 使い方の誤り(ここでアップグレードが開始されていない、状態ファイルを読めない)。
help-upgrade-status-arg-root = { help-audit-arg-root }
help-upgrade-status-arg-pki-dir = { help-audit-arg-pki-dir }
help-upgrade-status-arg-engine-conf-dir = { help-audit-arg-engine-conf-dir }
help-upgrade-status-arg-p12-password-file = { help-audit-arg-p12-password-file }
help-upgrade-status-arg-backup-dir = バックアップの保存先(--state で別の場所を指定しない限り、状態ファイルもここにあります)
help-upgrade-status-arg-state = { help-upgrade-arg-state }
help-upgrade-status-arg-format = { help-audit-arg-format }
help-upgrade-status-arg-format-value-table = { help-conf-arg-format-value-table }
help-upgrade-status-arg-format-value-json = { help-conf-arg-format-value-json }
help-maintenance-about = セルフホストエンジンのグローバルメンテナンス、サービスの再起動、エンドポイントの検査を 1 手順ずつ実行します (resign / renew はこれらを 1 つのサイクルとして実行します)
help-maintenance-on-about = セルフホストエンジンのグローバルメンテナンスを設定し、読み戻して確認します
help-maintenance-on-long-about =
    セルフホストエンジンのグローバルメンテナンスを設定し、読み戻して確認します。

    終了コード: 0 有効(読み戻して確認)、2 反映されなかった、または --he-host に到達できない、3 使い方の誤り、セルフホストエンジンが見つからない、または hosted-engine が失敗した。
help-maintenance-on-arg-format = { help-audit-arg-format }
help-maintenance-on-arg-format-value-table = { help-conf-arg-format-value-table }
help-maintenance-on-arg-format-value-json = { help-conf-arg-format-value-json }
help-maintenance-on-arg-he-host = { help-resign-arg-he-host }
help-maintenance-on-arg-he-api = { help-resign-arg-he-api }
help-maintenance-on-arg-maintenance-timeout = { help-resign-arg-maintenance-timeout }
help-maintenance-on-arg-engine-url = { help-audit-arg-engine-url }
help-maintenance-on-arg-connect-to = { help-audit-arg-connect-to }
help-maintenance-on-arg-ca-file = { help-audit-arg-ca-file }
help-maintenance-on-arg-user = { help-audit-arg-user }
help-maintenance-on-arg-password-file = { help-audit-arg-password-file }
help-maintenance-on-arg-api-timeout = { help-audit-arg-api-timeout }
help-maintenance-off-about = グローバルメンテナンスを解除し、読み戻して確認します
help-maintenance-off-long-about =
    グローバルメンテナンスを解除し、読み戻して確認します。

    終了コード: 0 無効(読み戻して確認)、2 解除されなかった、または --he-host に到達できない、3 使い方の誤り、セルフホストエンジンが見つからない、または hosted-engine が失敗した。
help-maintenance-off-arg-format = { help-audit-arg-format }
help-maintenance-off-arg-format-value-table = { help-conf-arg-format-value-table }
help-maintenance-off-arg-format-value-json = { help-conf-arg-format-value-json }
help-maintenance-off-arg-he-host = { help-resign-arg-he-host }
help-maintenance-off-arg-he-api = { help-resign-arg-he-api }
help-maintenance-off-arg-maintenance-timeout = { help-resign-arg-maintenance-timeout }
help-maintenance-off-arg-engine-url = { help-audit-arg-engine-url }
help-maintenance-off-arg-connect-to = { help-audit-arg-connect-to }
help-maintenance-off-arg-ca-file = { help-audit-arg-ca-file }
help-maintenance-off-arg-user = { help-audit-arg-user }
help-maintenance-off-arg-password-file = { help-audit-arg-password-file }
help-maintenance-off-arg-api-timeout = { help-audit-arg-api-timeout }
help-maintenance-status-about = グローバルメンテナンスの状態とセルフホストエンジンのホストを表示します
help-maintenance-status-long-about =
    グローバルメンテナンスの状態とセルフホストエンジンのホストを表示します。

    終了コード: 0 表示した、2 --he-host に到達できない、3 セルフホストエンジンが見つからない、使い方の誤り、または hosted-engine が失敗した。
help-maintenance-status-arg-format = { help-audit-arg-format }
help-maintenance-status-arg-format-value-table = { help-conf-arg-format-value-table }
help-maintenance-status-arg-format-value-json = { help-conf-arg-format-value-json }
help-maintenance-status-arg-he-host = { help-resign-arg-he-host }
help-maintenance-status-arg-he-api = { help-resign-arg-he-api }
help-maintenance-status-arg-maintenance-timeout = { help-resign-arg-maintenance-timeout }
help-maintenance-status-arg-engine-url = { help-audit-arg-engine-url }
help-maintenance-status-arg-connect-to = { help-audit-arg-connect-to }
help-maintenance-status-arg-ca-file = { help-audit-arg-ca-file }
help-maintenance-status-arg-user = { help-audit-arg-user }
help-maintenance-status-arg-password-file = { help-audit-arg-password-file }
help-maintenance-status-arg-api-timeout = { help-audit-arg-api-timeout }
help-maintenance-verify-about = すべての TLS エンドポイントがディスク上の証明書を提示していることを確認します
help-maintenance-verify-long-about =
    すべての TLS エンドポイントがディスク上の証明書を提示していることを確認します。

    終了コード: 0 すべてのエンドポイントが自分のファイルを提示している、3 使い方の誤り(既知のエンドポイントがない)、4 検査できないエンドポイントがある (endpoint-unreachable: 拒否、タイムアウト、ハンドシェイクの失敗。またはファイルを読めない)、5 ファイルと異なる証明書を提示しているエンドポイントがある (restart-needed)。
help-maintenance-verify-arg-root = { help-audit-arg-root }
help-maintenance-verify-arg-pki-dir = { help-audit-arg-pki-dir }
help-maintenance-verify-arg-engine-conf-dir = { help-audit-arg-engine-conf-dir }
help-maintenance-verify-arg-p12-password-file = { help-audit-arg-p12-password-file }
help-maintenance-verify-arg-endpoints = { help-audit-arg-endpoints }
help-maintenance-verify-arg-probe-timeout = { help-audit-arg-probe-timeout }
help-maintenance-verify-arg-wait = すべてのエンドポイントが自分のファイルを提示するまで、最大 SECONDS 秒検査を続けます (0: 1 回だけ検査)
help-maintenance-verify-arg-format = { help-audit-arg-format }
help-maintenance-verify-arg-format-value-table = { help-conf-arg-format-value-table }
help-maintenance-verify-arg-format-value-json = { help-conf-arg-format-value-json }
help-maintenance-restart-about = 指定した証明書を読むサービスをグローバルメンテナンス下で再起動し、そのエンドポイントを検証します
help-maintenance-restart-long-about =
    指定した証明書を読むサービスをグローバルメンテナンス下で再起動し、そのエンドポイントを検証します。

    終了コード: 0 再起動して検証した(または --dry-run)、2 拒否した、何も再起動していない(--cycle なしのコピー、指定した名前を読むユニットがここにない、セルフホストエンジンを除外できないため再起動を拒否した、--no-restart、グローバルメンテナンスを設定できなかった)、3 使い方の誤り、4 再起動が失敗した(グローバルメンテナンスは維持)、グローバルメンテナンスを解除できなかった、または再起動後にエンドポイントが証明書を提示しなかった (endpoint-unreachable)、5 エンドポイントがまだ古い証明書を提示している (restart-needed)。
help-maintenance-restart-arg-names = サービスを再起動する証明書: ca、engine、apache、websocket-proxy、…
help-maintenance-restart-arg-root = { help-audit-arg-root }
help-maintenance-restart-arg-pki-dir = { help-audit-arg-pki-dir }
help-maintenance-restart-arg-engine-conf-dir = { help-audit-arg-engine-conf-dir }
help-maintenance-restart-arg-p12-password-file = { help-audit-arg-p12-password-file }
help-maintenance-restart-arg-dry-run = 計画を表示し、何もしません
help-maintenance-restart-arg-format = { help-audit-arg-format }
help-maintenance-restart-arg-format-value-table = { help-conf-arg-format-value-table }
help-maintenance-restart-arg-format-value-json = { help-conf-arg-format-value-json }
help-maintenance-restart-arg-no-maintenance = { help-resign-arg-no-maintenance }
help-heading-maintenance-cycle = メンテナンスサイクル
help-maintenance-restart-arg-no-restart = { help-resign-arg-no-restart }
help-maintenance-restart-arg-no-verify = { help-resign-arg-no-verify }
help-maintenance-restart-arg-cycle = { help-resign-arg-cycle }
help-maintenance-restart-arg-verify-timeout = { help-resign-arg-verify-timeout }
help-maintenance-restart-arg-endpoints = { help-audit-arg-endpoints }
help-maintenance-restart-arg-probe-timeout = { help-audit-arg-probe-timeout }
help-maintenance-restart-arg-he-host = { help-resign-arg-he-host }
help-maintenance-restart-arg-he-api = { help-resign-arg-he-api }
help-maintenance-restart-arg-maintenance-timeout = { help-resign-arg-maintenance-timeout }
help-maintenance-restart-arg-engine-url = { help-audit-arg-engine-url }
help-maintenance-restart-arg-connect-to = { help-audit-arg-connect-to }
help-maintenance-restart-arg-ca-file = { help-audit-arg-ca-file }
help-maintenance-restart-arg-user = { help-audit-arg-user }
help-maintenance-restart-arg-password-file = { help-audit-arg-password-file }
help-maintenance-restart-arg-api-timeout = { help-audit-arg-api-timeout }
help-generate-about = シェルの補完、man ページ(これらの定義から生成)、または `--format json` の文書の JSON スキーマを表示します。`man --out-dir DIR` では rhv-pki.1 とサブコマンドごとのページ (rhv-pki-audit.1、…) を書き込み、`schema --out-dir DIR` ではすべてのスキーマを書き込みます。補完と man ページは英語のままです
help-generate-long-about =
    シェルの補完、man ページ(これらの定義から生成)、または `--format json` の文書の JSON スキーマを表示します。`man --out-dir DIR` では rhv-pki.1 とサブコマンドごとのページ (rhv-pki-audit.1、…) を書き込み、`schema --out-dir DIR` ではすべてのスキーマを書き込みます。補完と man ページは英語のままです。

    終了コード: 0 表示した、または書き込んだ、3 使い方の誤り、または出力を書き込めなかった。
help-generate-arg-what = 表示するもの: シェルの補完スクリプト、man ページ、または JSON スキーマ
help-generate-arg-what-value-bash = bash の補完 (source するか、/usr/share/bash-completion/completions/rhv-pki としてインストール)
help-generate-arg-what-value-zsh = zsh の補完 ($fpath のディレクトリーに `_rhv-pki` としてインストール)
help-generate-arg-what-value-fish = fish の補完 (~/.config/fish/completions/rhv-pki.fish としてインストール)
help-generate-arg-what-value-man = man ページ、roff 形式 (--out-dir 指定時: サブコマンドごとに 1 ページ)
help-generate-arg-what-value-schema = `--format json` の文書の JSON スキーマ (draft 2020-12)。`kind` で指定
help-generate-arg-name = `schema` のみ: スキーマを表示する文書の種類 (PkiAudit、PkiChange、PkiRollback、PkiBackups、EnrollPlan、EnrollReport、HostRecovery)。これも --out-dir もない場合は種類を一覧表示します
help-generate-arg-out-dir = すべての man ページ (man)、またはすべてのスキーマを NAME.schema.json として (schema)、1 つを表示する代わりに DIR に書き込みます
help-clap-usage = 使い方:
help-clap-options = オプション
help-clap-arguments = 引数
help-clap-commands = コマンド
help-clap-help = ヘルプを表示します (詳しくは '--help')
help-clap-help-long = ヘルプを表示します (概要は '-h')
help-clap-version = バージョンを表示します
help-clap-help-command = このメッセージ、または指定したサブコマンドのヘルプを表示します
help-possible-values = [指定できる値: { $values }]
help-clap-default = [既定値: { $value }]
help-possible-values-heading = 指定できる値:

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
upgrade-detail-readable = { $path } を読み取れます
upgrade-detail-ca-key = CA の秘密鍵があります
upgrade-detail-p12-password = PKCS#12 のパスワードでストアを開けます
upgrade-detail-no-unfinished = 中断された変更はありません
upgrade-detail-writable = { $path } に書き込めます
upgrade-detail-space-short = { $path } の空き容量は { $free } バイトです。バックアップには { $needed } バイト必要です(トランザクションの新しいファイルの分も含めてその 2 倍が必要です)
upgrade-detail-space = 空き容量 { $free } バイト、バックアップに必要な容量 { $needed } バイト
upgrade-detail-space-unknown = 空き容量を測定できませんでした
upgrade-detail-no-engine-url = --engine-url がないため、ホストはこの実行の対象外です(後で `rhv-pki hosts enroll` で証明書の登録を行ってください)
upgrade-detail-engine-reachable = ログインしました。ホスト { $count } 台を取得しました
upgrade-detail-not-judged = 判定していません: Manager を読み取れませんでした
upgrade-detail-hosts-up = すべてのホストが Up であるか、意図的に除外されています
upgrade-detail-not-up = Up でないホスト: { $hosts }
upgrade-detail-not-hosted-engine = セルフホストエンジンの Manager ではありません
upgrade-detail-he-unknown = セルフホストエンジンの状態が不明です: { $error }
upgrade-detail-he-agents = HA エージェントが稼働していないホスト: { $hosts }
upgrade-detail-he-ok = セルフホストエンジンの状態は既知で、すべての HA エージェントが稼働しています
upgrade-detail-capacity = すべてのクラスターでホストを 1 台外せます(N-1 メモリー)
upgrade-detail-placement = SPM とセルフホストエンジンの制約を満たせます
upgrade-detail-host-certs = 有効期限切れのホスト証明書はありません
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

## usage errors (clap's, in the admin's language)
usage-error = エラー
usage-unknown-argument = 予期しない引数 '{ $arg }' が指定されました
usage-unknown-subcommand = 不明なサブコマンド '{ $name }' です
usage-invalid-value = '{ $arg }' の値 '{ $value }' は無効です (指定できる値: { $valid })
usage-value-validation = '{ $arg }' の値 '{ $value }' は無効です: { $reason }
usage-missing-required = 必須の引数が指定されていません: { $args }
usage-conflict = 引数 '{ $arg }' は '{ $other }' と同時に指定できません
usage-bad-values = '{ $arg }' の値の数が正しくありません
usage-more = 詳しくは '--help' を参照してください。

## upgrade phrases (the plan's and the phases' English details, shown translated)
phrase-up-prechecks = すべての事前チェック(まとめて報告します)
phrase-up-nothing-changes = 何も変更しません
phrase-up-conf-set = openssl.conf に default_md = sha256 を設定します(現在は { $line } 行目が { $value })
phrase-up-conf-add = openssl.conf に default_md = sha256 を追加します
phrase-up-conf-done = openssl.conf はすでに default_md = sha256 です
phrase-up-resign = resign --all: 弱いか期限の近い CA とエンティティをすべて鍵を維持したまま再署名します。バックアップ付きの 1 トランザクションです(一覧は `rhv-pki resign --all --dry-run` で表示します)
phrase-up-cycle = グローバルメンテナンス(セルフホストエンジン)を設定し、再署名で証明書が変わったサービスを再起動し(CA が変わった場合はすべて、対象がなければ再起動なし)、エンドポイントが提示する証明書を確認して、グローバルメンテナンスを解除します
phrase-up-cycle-not-live-plan = 稼働中の PKI ではありません (--root / --pki-dir): 再起動するサービスはありません(--cycle を指定すると実行します)
phrase-up-cycle-not-live = 稼働中の PKI ではありません (--root / --pki-dir): 再起動するサービスはありません
phrase-up-enroll = hosts enroll --only-needed: メンテナンスモード → 証明書の登録 → アクティブ化、同時に外すホストは最大 { $count } 台
phrase-up-enroll-later = --engine-url がないため、ホストは後の `rhv-pki hosts enroll --only-needed` に残します
phrase-up-enroll-skip = --engine-url がありません: 後で `rhv-pki hosts enroll --only-needed` でホストの証明書の登録を行ってください
phrase-up-final = PKI を再監査します: 重大な問題が残っていてはなりません
phrase-up-prechecks-passed = 事前チェックに合格しました
phrase-up-resigned = 弱いものや期限の近いものを再署名しました(上のレポートを参照)
phrase-up-enrolled = 必要なホストの証明書の登録を行いました(上のレポートを参照)
phrase-up-restarted = 再起動して確認しました
phrase-up-no-service-certs = サービスの証明書がありません
phrase-up-nothing-resigned = 再署名フェーズで変更された証明書はありません: 再起動するサービスはありません
phrase-up-every-excluded = すべてのホストが除外されています
phrase-up-final-done = 証明書 { $count } 件、重大な問題なし、残る SHA-1 署名 { $sha1 } 件
phrase-up-still-critical = まだ重大な問題があります: { $names }
phrase-up-signal = シグナルで停止しました(終了コード { $code })
phrase-up-exit = 終了コード { $code } ({ $status })。レポートは上にあります

## 理由: 検出事項の理由の中の rhv-pki 自身の言葉(pki::Error::detail_text、読み取れないファイル)。
## 英語は JSON の reason とバイト単位で同じ
pki-error-in-file = { $path }: { $detail }
pki-error-io = ファイルを読み込めません: { $error }
pki-error-no-certificate = 証明書が見つかりません(PEM ブロックがなく、DER 形式でもありません)
pki-error-truncated-pem = バイト { $offset } から始まる PEM ブロック '{ $label }' に END 行がありません(ファイルが途中で切れている可能性があります)
pki-error-bad-base64 = PEM ブロック '{ $label }' が有効な Base64 ではありません: { $reason }
pki-error-bad-certificate = 有効な X.509 証明書ではありません: { $reason }
pki-error-no-key = 秘密鍵が見つかりません
pki-error-bad-key = 秘密鍵を読み込めません: { $reason }
pki-error-p12-open = 設定されたパスワードで PKCS#12 を開けません(パスワードが違うか、ファイルが壊れています): { $reason }
pki-error-p12-format = PKCS#12 ファイルではありません: { $reason }
pki-error-p12-refused = この環境では PKCS#12 を開けません: この OpenSSL は { $algorithms } を拒否します(FIPS モード、または legacy プロバイダーがありません)。ファイルが壊れているとは限りません
pki-error-p12-iterations = PKCS#12 の { $what } の反復回数 { $count } が rhv-pki の上限 { $limit } を超えています(OpenSSL は 2048、keytool は 10000 を書き込みます)。数分かかるため、開かず、鍵も導出していません。通常の反復回数でストアをエクスポートし直してください
pki-error-p12-missing = PKCS#12 に { $what } がありません
pki-error-part-certificate = 証明書
pki-error-part-key = 秘密鍵
pki-error-too-large = ファイルが { $limit } バイトを超えています。証明書や鍵としては読み込みません
pki-error-bad-config = { $line } 行目: { $reason }
pki-error-password-nul = パスワードに NUL バイトを含めることはできません
reason-dangling-symlink = リンク先 { $target } が存在しないシンボリックリンクです
reason-internal-error = このファイルの監査中に内部エラーが発生しました
reason-internal-error-panic = このファイルの監査中に内部エラーが発生しました: { $panic }
reason-truststore-unreadable = { $error }(パスワードの取得元: { $origin })
reason-password-default = oVirt のデフォルト
reason-truststore-holds = ストアにあるのは { $held }、{ $file } は { $ca } です
reason-cert-described = { $subject }(シリアル { $serial }、SHA-256 { $fingerprint }…)
reason-cert-unparsable = 解析できない証明書
reason-not-openssh-cert = OpenSSH 証明書ではありません: { $error }
reason-not-openssh-public-key-in = { $file }: OpenSSH 公開鍵ではありません
reason-not-openssh-cert-in = { $file }: OpenSSH 証明書ではありません

## 計画: 再署名の注記と除外、`hosts enroll` で対象外になるホスト(ライブラリーの英語を
## src/cli/phrases.rs が翻訳して表示)
phrase-already-named = 名前で指定: すでに { $alg }、更新不要
phrase-vmconsole-kept = { $files } はそのままです: CA の鍵で署名されており、再署名でもその鍵は維持されます(ホストの ca.pub は変わりません)。期限が近づくと `rhv-pki renew` で再発行されます
phrase-apache-other-ca = 別の CA ({ $subject }) を保持しており、ca.pem のコピーではありません: apache の証明書はサードパーティーの CA が発行しています
phrase-left-as-is = そのままにします
phrase-skip-non-responsive = 応答なし (non_responsive): Manager がホストに接続できません。証明書の有効期限が切れている可能性があります。`rhv-pki hosts recover --ssh` を使用してください
phrase-skip-status = ステータスが { $status } です。サイクルの対象は up またはメンテナンスモードのホストのみです
phrase-skip-pinned = 仮想マシン { $vm } はこのホストに固定されています (placement_policy.affinity=pinned): 先に移行するかシャットダウンしてください
phrase-wave-last-up = クラスター { $cluster } で唯一の Up のホストです: 外すと Up のホストがなくなります
phrase-wave-capacity = 仮想マシン ({ $vm } MiB) がクラスター { $cluster } の他の Up のホストに収まりません(スケジュール可能な容量 { $free } MiB)
phrase-wave-he = このホストを外している間、HA エージェントが有効 (スコア > 0) で HostedEngine 仮想マシンを受け入れる余裕のある他のセルフホストエンジンのホストが Up のまま残りません({ $rest })
phrase-he-no-other = 他のセルフホストエンジンのホストがありません
phrase-he-agent-inactive = { $host } の HA エージェントが有効ではありません
phrase-he-score = { $host } の HA スコアは { $score } です
phrase-he-local-maintenance = { $host } はセルフホストエンジンのローカルメンテナンス中です
phrase-he-no-room = { $host } の空きは { $free } MiB ですが、HostedEngine 仮想マシンには { $need } MiB 必要です
phrase-he-out-together = { $host } も同時に外れます
phrase-he-not-up = { $host } は Up ではありません
phrase-and = {" と "}

## 監査: `missing` の検出事項が挙げるもの(rhv-pki 自身の言葉。JSON の `what` は英語のまま)
missing-ca = ca.pem(エンジンの CA。何も検証できません)
missing-truststore = .truststore(エンジンは HTTPS で vdsm や SSO を検証できません)
missing-openssl-conf = openssl.conf(CA の設定)
missing-ca-database = { $file }(これがないと openssl ca は証明書を発行できません)
missing-p12-key = PKCS#12 内の秘密鍵
missing-p12-cert = PKCS#12 内の証明書
missing-key-store = { $file }(エンティティーのキーストア)
missing-ca-key = { $file }(CA の秘密鍵。何も署名できません)
missing-apache-ca = apache-ca.pem(httpd の SSLCACertificateFile)
missing-vmconsole = { $file }(certs/{ $entity }.pub があるため、vmconsole プロキシーは設定済みです)
missing-link = { $target } へのシンボリックリンクとしての { $path }(実際は { $found })
missing-found-link = { $target } へのリンク
missing-found-file = 通常のファイル
missing-host-link = { $path }({ $target } へのシンボリックリンク。4.4.6.5 以降の host-deploy が作成します)

## 監査: 名前がホスト名でない理由(SAN の dNSName、ENGINE_FQDN)、ENGINE_FQDN が不明な理由
name-empty = 空です
name-line-break = 改行を含んでいます
name-not-utf8 = UTF-8 ではないバイトを含んでいます
name-char = '{ $char }' を含んでいます
name-codepoint = 文字 U+{ $code } を含んでいます
name-too-long = { $len } 文字あります(最大 253 文字)
name-empty-label = 空のラベルがあります(先頭、末尾、または連続したドット)
name-wildcard = '*' は左端のラベル全体としてのみ使用できます
name-label-too-long = ラベルが { $len } 文字あります(最大 63 文字)
name-hyphen = ラベル '{ $label }' がハイフンで始まるか終わっています
name-numeric-tld = トップレベルのラベルが数字のみです(IP アドレスでもありません)
fqdn-invalid = { $file }: ENGINE_FQDN { $value } は有効なホスト名ではありません({ $why })。証明書を発行する前に修正してください
fqdn-not-set = engine.conf.d に ENGINE_FQDN がありません
fqdn-no-conf-dir = engine.conf.d が指定されていません (--engine-conf-dir)
serial-empty = 空です
serial-not-hex = '{ $text }' は 16 進数のシリアルではありません
reason-pkey-failed = openssl pkey が失敗しました(ホストに openssl がインストールされていますか?)

## recover: 計画の理由、注記、除外(JSON は英語のまま)
recover-reason-finding = { $path }: { $code } ({ $message })
recover-note-vmconsole = { $path }: { $message } — vmconsole の証明書は、ホストの復旧後に証明書の登録で更新されます
recover-note-no-migrate-key = { $key } がないか読み取れません: libvirt-migrate の証明書は再発行しません
recover-note-no-ovn-key = { $key } がないか読み取れません: OVN の証明書は再発行しません
recover-note-not-vdsm-key = { $path }: { $key } は vdsm の鍵ではないため、そのままにします
recover-note-key-missing = { $path }: { $key } がないか読み取れないため、そのままにします
recover-nothing-due = 必要な作業はありません(証明書は有効で、CA のコピーも最新です)

## 変更コマンド (resign、renew、rollback) のエラー行: rhv-pki 自身の言葉(JSON とログは英語のまま)
change-stale = 計画の作成後に PKI ディレクトリーが変更されました({ $what })。何も変更していません。もう一度実行してください
change-verify-failed = 書き込み後の検証に失敗したため、すべてロールバックしました(バックアップ { $backup }): { $reason }
change-rolled-back = { $reason }。すべてロールバックしました(バックアップ { $backup })
change-nothing-changed = { $error }。何も変更していません
change-broken-entry = { $name }: { $why }
change-list = { $first }; { $rest }
change-third-party = サードパーティーの証明書です(発行者 { $issuer })。{ $ca } が署名したものではありません。発行元の CA で更新してください
change-broken-p12-mismatch = keys/{ $name }.p12: 鍵と証明書が一致しません
change-broken-cer-differs = certs/{ $name }.cer は keys/{ $name }.p12 内の証明書ではありません(engine-setup も更新しません)。先に一致するファイルを復元してください
change-broken-nopass-mismatch = keys/{ $name }.key.nopass はこの証明書の鍵ではありません。先に一致するファイルを復元してください
change-broken-restore = { $error }。先に復元してください
refusal-not-a-directory = { $dir }: ディレクトリーではありません(Manager の PKI ディレクトリーですか?)
refusal-ca-missing = { $path }: ありません。何も署名できません(ca.pem を、たとえば certs/ca.der から復元してください)
refusal-ca-key-missing = { $path }: { $ca } の秘密鍵がありません。何も署名できません(バックアップから復元してください)
refusal-ca-key-mismatch = { $path }: { $cert } の鍵ではありません。署名を拒否します
refusal-unknown-name = 不明な証明書名 '{ $name }' です。使用できる名前: { $known }
refusal-engine-key-named = engine 鍵の更新を拒否します: この鍵は engine データベース内のシークレットを復号し、すべてのホストへの SSH 鍵であり、コンソールのチケットに署名します。engine は --keep-key を指定して更新してください
refusal-engine-key-due = engine 鍵の更新を拒否します(engine は更新時期です): この鍵は engine データベースのシークレットを復号し、すべてのホストへの SSH 鍵です。--new-key を付けずに実行するか、ほかの証明書を明示的に指定してください
refusal-not-enrolled = { $path }: ファイルがありません。{ $name } はこの Manager に登録されていません
refusal-hands-off = { $name }: { $why }。変更を拒否します
refusal-broken = 壊れたファイルがあるため、何も再署名しません(ファイルを復元するか、ほかの証明書を明示的に指定してください): { $broken }
refusal-conf-dir-none = engine.conf.d(指定なし)
refusal-no-engine-fqdn = { $dir } に ENGINE_FQDN が見つかりません。{ $needed_for } に必要です
refusal-missing = { $path }: ありません。何も変更していません
refusal-same-file = { $first } と { $second } はシンボリックリンクを通じて同じファイル({ $real })です。それぞれ別のファイルである必要があります。何も変更していません
refusal-truststore = { $path }: { $error }(トラストストアのパスワードの取得元: { $from })。何も変更していません
refusal-truststore-default-password = oVirt のデフォルト
store-integrity = 整合性チェックに失敗しました(パスワードが違うか、ファイルが壊れています)
refusal-not-writable = { $dir }: 書き込みできません({ $error })。何も変更していません
txn-io = { $path }: { $op }: { $error }
txn-lock-timeout = { $path }: { $secs } 秒待っても別のプロセスがロックしています(engine によるホストの登録、または別の rhv-pki の実行)。何も変更していません
txn-escapes = { $path }: パスが PKI ディレクトリーの外を指しています
txn-is-directory = { $path }: ディレクトリーです
txn-bad-manifest = { $path }: 有効なバックアップのマニフェストではありません: { $error }
txn-checksum = { $path }: バックアップのコピーがマニフェストのチェックサムと一致しません
txn-other-pki = { $backup }: このバックアップは { $of } のもので、{ $dir } のものではありません
txn-no-such-backup = バックアップ { $id } が { $root } に見つかりません
txn-link = { $path }: { $target } へのシンボリックリンクですが、リンク先が{ $why }。rhv-pki は { $root } 内にとどまるリンクを通じてのみ書き込みます(リンクをファイルに置き換えるか、内側を指すようにしてください)
txn-link-loops = ループしています(終わりのないリンクの連鎖)
txn-link-dangling = 存在しません(リンク切れ)
txn-link-leaves = PKI ディレクトリーの外にあります
txn-link-not-file = 通常のファイルではありません

## 監査の外で作られる検出結果の理由: 拒否した SSH ホスト鍵 (host-key-unverified)、中断された変更のジャーナルの内容 (interrupted-change)
ssh-key-name = { $host }(ポート { $port })の { $algorithm } 鍵 { $fingerprint }
ssh-key-unknown = { $what } は { $known_hosts } にありません。接続を拒否します(ホスト上で `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` を実行してフィンガープリントを確認してから、--accept-new-host-key を指定して再実行すると記録されます)
ssh-key-changed = { $what } は { $known_hosts } の { $line } 行目に記録されている { $recorded_type } 鍵と一致しません: ホスト鍵が変わっています(ホストが再インストールされたか、接続が傍受されています)。接続を拒否します。正当な変更であれば、`ssh-keygen -R { $name } -f { $known_hosts }` で古いエントリーを削除してください
ssh-key-revoked = { $what } は { $known_hosts } の { $line } 行目で @revoked とされています。接続を拒否します
journal-before-command = rhv-pki { $command } の実行前
journal-before-rollback = { $backup } へのロールバックの実行前
## 証明書が得られなかった TLS の確認 (endpoint-unreachable)
probe-at = { $endpoint }: { $detail }
probe-resolve = 名前を解決できません: { $reason }
probe-connect = 接続できません: { $error }
probe-handshake = 証明書が提示される前に TLS ハンドシェイクが失敗しました: { $reason }
probe-server-name = サーバー名 '{ $name }' が不正です
probe-client-auth = クライアント証明書または鍵が不正です: { $reason }
probe-no-certificate = 証明書が提示されませんでした
## hosts recover のエラー行
recover-ca-missing = { $path }: ca.pem がないか読み込めません。何も署名できません
recover-ca-key-missing = { $path }: { $ca } の秘密鍵がありません。ホスト証明書に署名できません
recover-bad-subject = サブジェクト { $subject } が不正です
recover-verify-failed = 書き込み後の検証に失敗しました: { $reason }
recover-stale = 計画の作成後に Manager の PKI が変更されました({ $what })。何も変更していません。もう一度実行してください
## hosts enroll / upgrade: どのウェーブの順序にも入らないセルフホストエンジンのホスト
enroll-he-refused = 計画では HostedEngine 仮想マシンを安全に保てないため、何も開始していません: { $detail }
enroll-he-blocked = { $host }: { $why } — どのウェーブの順序にも入りません。先にこれを解消するか、{ $host } を除外してください(--host でほかのホストを指定)
he-list = { $first }、{ $rest }
## openssl ca が書く形式ではない database.txt の行 (index-invalid)
index-fields = タブ区切りのフィールドが { $count } 個あります(6 個必要です)
index-status = ステータス '{ $status }' が V、R、E のいずれでもありません
index-expiry = 有効期限 '{ $expiry }' が YYMMDDHHMMSSZ 形式ではありません
index-serial = シリアル '{ $serial }' が 16 進数ではありません
## rhv-pki 自身が述べる証明書または鍵の内部の理由
cert-trailing-bytes = 証明書の後ろに余分なバイトが { $count } バイトあります
cert-unsupported-key = サポートされていない鍵の種類 '{ $type }' です
cert-key-no-password = 鍵は暗号化されていますが、パスワードが指定されていません
## Manager の REST API (hosts enroll、upgrade、--post-events): rhv-pki 自身の言葉
engine-bad-url = { $url }: Manager の URL が不正です: { $reason }
engine-connect = 接続できません: { $reason }
engine-sso-refused = { $user } としてのログインが Manager の SSO に拒否されました: { $code }: { $message }
engine-timeout = { $method } { $path }: { $secs } 秒以内に応答がありません
## グローバルメンテナンスのエラー (maintenance on/off/status、サイクル、upgrade): rhv-pki 自身の言葉。
## hosted-engine、Manager、システムの言葉はそのまま
maint-err-bad-status = { $host }: hosted-engine --vm-status --json: { $detail }
maint-err-rest = { $via }: { $detail }
maint-err-did-not-take = { $via }: グローバルメンテナンスを{ $wanted }に設定してから { $secs } 秒経っても{ $state }のままです
maint-err-state-on = 有効
maint-err-state-off = 無効
vm-status-exit = 終了コード { $status }: { $brief }
vm-status-not-deployed = そのホストには hosted-engine がインストールされていないか、デプロイされていません
vm-status-not-json = JSON ではありません: { $reason }
vm-status-not-object = JSON オブジェクトではありません
vm-status-no-gm = 最上位に global_maintenance がありません
vm-status-not-boolean = global_maintenance が { $value } で、真偽値ではありません
he-rest-no-he-host = Manager にセルフホストエンジンのホストが 1 つもありません
cycle-he-host-not-deployed = --he-host { $host }: そのホストには hosted-engine がインストールされていないか、デプロイされていません。セルフホストエンジンのホストを指定してください
cycle-he-rest-lookup = REST API: HostedEngine 仮想マシンの検索中: { $reason }
cycle-he-api = --he-api: { $error }
cycle-he-host = --he-host { $host }: { $error }
## ホスト上のコマンド (SSH またはローカル): rhv-pki 自身の言葉。SSH ライブラリーとコマンドの言葉はそのまま
remote-cannot-run = { $target }: { $program } を実行できません: { $reason }
remote-connect = { $target }: 接続できません: { $reason }
remote-host-key = { $target }: ホストキー: { $reason }
remote-auth = { $target }: 認証に失敗しました: { $reason }
remote-timeout = { $target }: '{ $command }' が { $secs } 秒でタイムアウトしました
remote-failed = { $target }: '{ $command }' が失敗しました (終了コード { $status }): { $brief }
remote-signal = シグナル
## hosts enroll と upgrade の保存された状態: rhv-pki 自身の言葉。パーサーとシステムの言葉はそのまま
state-not-a-state-file = { $path }: rhv-pki の enroll 状態ファイルではありません: { $error }
state-cannot-read = { $path }: 読み取れません: { $error }
state-cannot-write = { $path }: 状態を書き込めません: { $error }
enroll-state-other-manager = { $path }: 別の Manager ({ $url }) の未完了の実行があります。そちらで完了させるか、--discard-state を指定して破棄してください
enroll-state-other-args = { $path }: 未完了の実行が別の引数で開始されています: { $saved } (このコマンド: { $this }){ $left }。再開するにはその引数で再実行するか、--discard-state を指定して破棄し、計画し直してください
enroll-state-left-out = 。サービス外のまま残したホスト: { $hosts }
upgrade-not-a-state-file = { $path }: rhv-pki の upgrade 状態ファイルではありません: { $error }
upgrade-state-other-run = 保存されたアップグレード状態は { $saved } のもので、{ $now } のものではありません(別の --state を指定するか、--discard-state を指定してやり直してください)
upgrade-state-out-of-order = フェーズ { $first } が完了するまでフェーズ { $phase } は開始できません
upgrade-refuse-no-terminal = 確認されていません: アップグレードを実行するには --yes を指定してください(標準入力が端末ではありません)
upgrade-not-confirmed = 確認されていません。何も変更していません
engine-password-unreadable = { $path }: パスワードファイルを読み取れません: { $error }
engine-password-needed = Manager のパスワードが必要です: --password-file FILE または $RHV_PKI_ENGINE_PASSWORD
engine-password-empty = Manager のパスワードが空です
## 変更トランザクションの残りのエラーと、書き込み後の検証で見つかったこと
txn-no-conf-dir = engine.conf.d: engine.conf.d が設定されていません
txn-no-meta = { $path }: モードと所有者のない新しいファイルです
txn-manifest-write = { $path }: バックアップのマニフェストを書き込めません: { $error }
txn-injected = 書き込みステップ { $step } で注入された障害
txn-verify = { $path }: 書き込み後: { $found }
mismatch-not-regular = 通常のファイルではありません
mismatch-content = 内容が書き込んだものと異なります
mismatch-mode = モードが { $expected } ではなく { $found } です
mismatch-owner = 所有者が { $expected } ではなく { $found } です
mismatch-link = もはや { $target } へのシンボリックリンクではありません
mismatch-wider = モード { $mode } が、置き換えたファイルの { $was } より広くなっています
## トラストストアの理由 (rhv-pki 自身の言葉。パーサーの言葉はそのまま)
store-iterations = { $what } の反復回数 { $count } が上限 { $max } を超えています
store-unsupported = サポートされていない { $what }
store-key-entry = エイリアス '{ $alias }' は信頼済み証明書ではなく秘密鍵のエントリーを保持しています。置き換えていません
txn-truststore-rewrite = .truststore: { $error }
refusal-needed-san = { $name } の subjectAltName
refusal-needed-principal = { $name } のプリンシパル
## hosts recover: 書き込み後の検証で見つかったこと
recover-check-unreadable = { $path } を読み取れません
recover-check-not-signed = { $path } は { $ca }.pem で検証できません
recover-check-serial = { $path }: シリアル番号が { $expected } ではなく { $found } です
recover-check-not-host-key = { $path }: ホストの鍵ではありません
recover-check-no-index-line = database.txt にシリアル番号 { $serial } の行がありません
recover-check-serial-txt = serial.txt が { $expected } ではなく { $found } です
## upgrade: 事前チェックの失敗の詳細 (rhv-pki 自身の言葉)
upgrade-detail-no-directory = { $dir }: ディレクトリーがありません
upgrade-detail-no-runtime = 非同期ランタイムを開始できません: { $error }
upgrade-detail-expired-host = { $name } ({ $date } に期限切れ)
upgrade-detail-list = { $first }、{ $rest }

## block cycle: the maintenance cycle event details
cycle-via-he = { $host } 上の hosted-engine
cycle-via-rest-vm = REST API 経由 (HostedEngine 仮想マシン { $id })
cycle-via-rest = REST API 経由
cycle-manual-he = { $command }   # { $host } で実行
cycle-verify-serves = シリアル { $serial } を提示していますが
cycle-verify-serves-nothing = 証明書を提示していませんが
cycle-verify-bad = { $endpoint } ({ $address }) は{ $serves }、{ $file } はシリアル { $disk } です
cycle-verify-bad-detail = { $endpoint } ({ $address }) は{ $serves }、{ $file } はシリアル { $disk } です: { $detail }
cycle-list = { $first }。{ $rest }
cycle-restart-refused = { $why }。何も再起動していません
cycle-kept-on = 再起動が失敗しました。サービスが復旧するまでグローバルメンテナンスは有効のままです
cycle-todo-restart-failed = { $unit } が失敗しました: journalctl -u { $unit } を確認し、その後 systemctl restart { $units } を実行してください
cycle-todo-restart-needed = restart-needed: systemctl restart { $units } を実行し、その後 rhv-pki maintenance verify を実行してください
cycle-todo-unreachable = endpoint-unreachable: systemctl status { $units } を確認し (再起動後に証明書が提示されていません)、その後 rhv-pki maintenance verify を実行してください
cycle-unit-not-installed = 未インストール
cycle-unit-masked = マスク済み
cycle-unit-enabled-running = 有効、実行中
cycle-unit-enabled-stopped = 有効、停止中
cycle-unit-disabled-running = 無効、実行中
cycle-unit-disabled-stopped = 無効、停止中
cycle-he-host-bad-port = --he-host { $host }: ポート番号が正しくありません
cycle-reading-states = サービスの状態を読み取れません: { $error }
cycle-unknown-name = 不明な証明書名 '{ $name }'
## (end of block cycle)

## block errs: sign, verify, trust-store, SSH io, CA and plan errors
sign-error = { $what }に失敗しました: { $reason }
sign-step-ca-resign = CA の再署名
sign-step-issue = 証明書の発行
sign-step-request = 証明書要求の作成
sign-step-extension = { $name } 拡張の作成
sign-step-text-dump = テキスト形式への変換
sign-step-pem = PEM 形式への変換
sign-step-local-key-id = localKeyID の計算
sign-step-pkcs8 = PKCS#8 形式への変換
sign-step-pkcs12 = PKCS#12 の作成
sign-step-openssh-key = OpenSSH 鍵への変換
sign-step-openssh-public-key = OpenSSH 公開鍵の書き出し
sign-step-openssh-cert = { $file } の作成
sign-step-subject = サブジェクトの作成
sign-step-subject-entry = サブジェクトの { $attr } の設定
sign-step-csr = CSR の読み込み
sign-step-key-generation = 鍵の生成
sign-step-nonce = nonce の生成
sign-reason-ca-key-mismatch = CA の秘密鍵が CA 証明書の鍵ではありません
sign-reason-not-rsa = RSA 鍵ではありません
sign-reason-before-epoch = 有効期間が 1970 年より前です
sshcert-kind-host = ホスト
sshcert-kind-user = ユーザー
sshcert-wrong-type = { $expected }証明書ではなく{ $found }証明書です
sshcert-other-signer = CA 鍵 ({ $ca }) ではなく { $signer } で署名されています
sshcert-bad-signature = 署名を CA 鍵で検証できません
sshcert-sha1 = ssh-rsa (SHA-1) で署名されています(OpenSSH 8.2 以降と EL9 は拒否します)
sshcert-other-key = エンティティーの鍵 ({ $expected }) ではなく { $key } を証明しています
sshcert-principal-missing = プリンシパルに { $principal } がありません
sshcert-not-openssh = OpenSSH 証明書ではありません: { $error }
verify-vanished = { $file } が消えています
verify-not-sha256 = { $file }: { $found } で署名されています
verify-serial-changed = { $file }: シリアルが変わりました
verify-self-signature = { $file }: 自己署名を検証できません
verify-copy-differs = { $copy } が { $of } と異なります
verify-no-longer-verifies = { $path }: 再署名した { $ca } で検証できなくなりました
verify-hands-off = { $name }: { $why }(変更してはならないファイルです)
verify-wrong-serial = { $name }: シリアルが { $expected } ではなく { $found } です
verify-not-issued = { $path }: 発行した証明書ではありません
verify-p12-unreadable = keys/{ $name }.p12 を読み取れません: { $reason }
verify-p12-format = keys/{ $name }.p12: { $format } 形式で書き込まれています
verify-problem-list = { $first }。{ $rest }
verify-ssh-not-planned = { $file }: 計画した証明書ではありません
verify-ssh-not-the-key = { $file }: keys/{ $name }.p12 の鍵ではありません
store-malformed-der = PKCS#12 の DER を解析できません: { $error }
store-malformed-import = インポートする証明書を解析できません: { $error }
store-malformed-truncated-jks = JKS のデータが途中で切れています
store-malformed-alias-too-long = エイリアスが長すぎます
store-malformed-too-short-jks = JKS キーストアとしては短すぎます
store-malformed-not-jks = JKS キーストアではありません (FEEDFEED のマジック番号がありません)
store-malformed-jks-tag = JKS エントリーのタグ { $tag } は不明です
store-malformed-trailing-jks = JKS エントリーの後に余分なデータがあります
store-malformed-cert-too-large = 証明書が大きすぎます
store-malformed-no-parameters = 暗号化のパラメーターがありません
store-malformed-iv = IV の長さが不正です
store-malformed-pbes2-salt = PBES2 のソルトが不正です: { $error }
store-malformed-pbe-length = PBE の鍵または IV の長さが不正です
store-malformed-mac-key = MAC の鍵が不正です
store-malformed-safebag = 値のない SafeBag があります
store-malformed-bag-attribute = 値のないバッグ属性があります
store-malformed-certbag = certBag の値が不正です
store-malformed-encrypted-safe = データのない暗号化された SafeContents があります
remote-io = { $target }: { $what }に失敗しました: { $reason }
remote-op-exec = コマンドの実行
remote-op-open-channel = セッションチャネルのオープン
remote-op-send-stdin = 標準入力の送信
remote-op-send-eof = 標準入力の EOF 送信
remote-op-program-stdin = { $program } への標準入力の受け渡し
remote-op-program-wait = { $program } の終了待ち
remote-op-read = { $path } の読み取り
remote-op-replace = { $path } の置き換え
remote-op-host-certificate-set = ホストの証明書ファイル一式の読み取り
remote-empty-command = コマンドが空です
remote-no-parent = 親ディレクトリーがありません
plan-unknown-cluster = 不明なクラスター: { $names }
plan-unknown-host = 不明なホスト: { $names }
plan-zero-parallel = --max-parallel は 1 以上にしてください
plan-ca-unusable = ca.pem をホスト証明書の判定に使えません: { $reason }
hostspec-bad-name = --host '{ $spec }': ホスト名が正しくありません (NAME[=ADDR[:PORT]] の形式で指定してください)
hostspec-unclosed-bracket = --host '{ $spec }': [ が閉じられていません (NAME[=ADDR[:PORT]] の形式で指定してください)
hostspec-bad-port = --host '{ $spec }': ポートが正しくありません (NAME[=ADDR[:PORT]] の形式で指定してください)
hostspec-after-bracket = --host '{ $spec }': ] の後に余分な文字があります (NAME[=ADDR[:PORT]] の形式で指定してください)
hostspec-empty-address = --host '{ $spec }': アドレスが空か、ポートが 0 です (NAME[=ADDR[:PORT]] の形式で指定してください)
hostfiles-unknown-file = ファイル #{ $index } の想定外の出力行があります
hostfiles-base64 = base64 が正しくありません: { $reason }
hostfiles-stat-line = stat の出力行 '{ $line }' が正しくありません
hostfiles-mode = '{ $line }' のモードが正しくありません
ssh-known-hosts-encode = ホストキーをエンコードできません: { $reason }
store-unsupported-jks-version = JKS バージョン { $version }
store-unsupported-cert-type = エントリー '{ $alias }' の証明書タイプ { $kind }
store-unsupported-pbes2-kdf-read = PBES2 の鍵導出 (読み取れるのは PBKDF2 のみ)
store-unsupported-encryption-scheme = 暗号化方式 { $oid }
store-unsupported-plain-safe = 暗号化されていない SafeContents の暗号化
store-unsupported-pbes2-kdf = PBES2 の鍵導出
store-unsupported-pbes2-cipher = PBES2 の暗号
store-unsupported-pbes2 = PBES2 のパラメーター: { $error }
store-unsupported-no-randomness = システムの乱数 (取得できません)
store-unsupported-mac-digest = MAC のダイジェスト { $digest }
store-unsupported-public-key-integrity = 公開鍵による整合性モード (authSafe が Data ではありません)
store-unsupported-safe-content-type = SafeContents のコンテンツタイプ { $oid }
store-unsupported-not-a-cert = エイリアス '{ $alias }' のエントリー (バッグタイプ { $bag }): 証明書ではありません
store-unsupported-no-safe = SafeContents のない PKCS#12 ストア
## (end of block errs)

## block upg: upgrade pre-check details and notices
upgrade-detail-unfinished = バックアップ { $id } ({ $reason }、{ $created }) の変更は中断され、PKI が書きかけの状態です
upgrade-detail-capacity-host = { $host }: { $why }
upgrade-discarding = rhv-pki upgrade: { $file } に保存されたアップグレードを破棄します(次のフェーズ: { $phase })
upgrade-would-discard = rhv-pki upgrade: { $file } に保存されたアップグレードを破棄することになります(次のフェーズ: { $phase })
upgrade-next-none = なし (完了済み)
upgrade-stopped-by-signal = rhv-pki upgrade: { $signal } により停止しました。実行中のフェーズは保存された状態に実行中のまま残ります: 同じコマンドを再実行すると再開します
upgrade-gm-left-on = rhv-pki upgrade: 中断されたサイクルが有効にしたグローバルメンテナンスが有効のままです。サイクルの検証が終わると解除します
upgrade-gm-cleared = rhv-pki upgrade: 中断されたサイクルが有効にしたグローバルメンテナンスを解除しました
upgrade-warning = rhv-pki upgrade: 警告: { $path }: { $error }
upgrade-max-parallel = --max-parallel には 1 以上を指定してください
upgrade-no-upgrade-here = { $path }: ここではアップグレードが開始されていません
upgrade-outcome-prechecks = { $total } 件中 { $passed } 件の事前チェックに合格しました(残りは対象外です)
upgrade-outcome-prechecks-failed = 事前チェックが不合格です: { $ids }
upgrade-outcome-interrupted = 中断されました: { $rest }
upgrade-outcome-gm-unreadable = グローバルメンテナンスの状態を読み取れません ({ $via }): { $error }
upgrade-outcome-cannot-save = アップグレードの状態 { $path } を保存できません: { $error }
upgrade-outcome-gm-not-cleared = 再起動と検証は完了しましたが、中断されたサイクルが有効にしたグローバルメンテナンスを解除できませんでした ({ $via }): { $error }
upgrade-detail-in-dir = { $dir }: { $error }
upgrade-drive-not-saved = アップグレードの状態を保存できません: { $error }
## (end of block upg)

## block roll: hosts enroll run progress, host cycle errors and the run report
roll-serving-serial = シリアル { $serial } の証明書を提示しています
roll-moving-spm-first = 先に SPM の役割を移動します
roll-install-failed-served = Manager は install_failed と報告しました ({ $reason }) が、vdsm は新しい証明書 (シリアル { $serial }) を提示しています: アクティブ化します
roll-installing-to-install-failed = ホストが installing から install_failed になりました
roll-served-not-parsed = 提示された証明書を解析できません: { $error }
roll-what-maintenance = メンテナンスモードへの移行
roll-what-activation = アクティブ化
roll-what-enroll = 証明書の登録
roll-what-spm-to = { $host } への SPM の役割の移動
roll-err-answer-lost = { $what }: 応答が失われ ({ $lost })、反映されたかを確かめるためにホストを読み直すこともできませんでした: { $reread }
roll-err-refused = Manager が{ $what }を拒否しました: { $error }
roll-err-not-up = 状態が { $status } です (Up であるべきです)。このホストには手を付けません
roll-err-spm-blocked = SPM の役割をこのホストから移動しません: { $why }
roll-err-no-spm-candidate = このホストは SPM で、同じクラスターにほかに役割を引き継げる Up のホストがありません
roll-err-spm-did-not-move = SPM の役割が { $secs } 秒以内に { $to } へ移動しませんでした
roll-err-stuck = { $secs } 秒以内にメンテナンスモードになりませんでした (状態 { $status }{ $detail })。{ $then }
roll-detail = 、{ $detail }
roll-gave-back = Up に戻るよう再度アクティブ化しました
roll-gave-back-failed = 再度のアクティブ化も失敗しました: { $error }
roll-err-enroll-timed-out = 証明書の登録が { $secs } 秒以内に終わりませんでした
roll-err-enroll-failed = 証明書の登録が失敗しました (イベント { $event }): { $reason }。{ $serves }
roll-err-not-activatable = 証明書の登録の後、状態が { $status }{ $detail } です。アクティブ化しません (Manager が拒否します)
roll-err-not-back-up = アクティブ化の後、Up に戻りませんでした (状態 { $status }{ $detail })
roll-err-probe = vdsm の確認 { $endpoint }: { $reason }
roll-err-foreign-chain = { $endpoint } の vdsm が現在の CA で署名されていない証明書を提示しています
roll-err-weak-signature = { $endpoint } の vdsm がまだ { $signature } の証明書を提示しています
roll-err-old-certificate = { $endpoint } の vdsm がまだ古い証明書 (シリアル { $serial }) を提示しています
roll-new-foreign-chain = { $endpoint } の vdsm が現在の CA で署名されていない証明書 (シリアル { $serial }) を提示しています
roll-new-before-unknown = { $endpoint } の vdsm はシリアル { $serial } を提示していますが、以前に提示していた証明書は不明です
roll-report-install-failed = (Manager は install_failed と報告しましたが、vdsm は新しい証明書を提示しました)
roll-bar-hosts = 台
roll-set-aside = { $path }: 退避できません: { $error }
## (end of block roll)

## block cli2: argument and command-line errors of the binary
cli2-range = { $flag } { $value }: { $range } の範囲で指定してください
cli2-positive-seconds = { $flag } には正の秒数を指定してください
cli2-vdsm-endpoint = --vdsm-endpoint '{ $spec }': NAME=HOST:PORT の形式で指定してください
cli2-unknown-cluster = クラスター '{ $cluster }' はありません
cli2-hosts-audit-manager = Manager からホストの一覧を取得できません: { $error }
cli2-no-runtime = 非同期ランタイムを開始できません: { $error }
cli2-no-signals = シグナルを処理できません: { $error }
cli2-no-change-to-roll-back = { $dir } の下にロールバックできる完了済みの変更がありません
cli2-refuse-no-terminal = --yes なしでは{ $cmd ->
    [conf] OpenSSL 設定の変更
    [resign] 証明書の再署名
    [renew] 証明書の更新
   *[rollback] ロールバック
} を実行しません: 標準入力が端末でないため、誰も確認できません。何も変更していません(計画は --dry-run で確認できます)
cli2-hosts-reach-how = ホストへの接続方法を指定してください: --ssh(--ssh-user として SSH で接続し、ホスト鍵を --known-hosts と照合します)
cli2-ssh-key-unreadable = { $path }: --ssh-key は読み取り可能なファイルではありません
cli2-no-host-certs = { $dir }: certs/<host>.cer が見つかりません。--host でホストを指定してください
cli2-no-engine-fqdn = engine.conf.d に ENGINE_FQDN が見つかりません: --engine-url を指定してください
cli2-ca-unusable = { $path }: CA 証明書として使えません: { $error }
cli2-post-events = --post-events: Manager にイベントを送信できません: { $error }
cli2-generate-name = NAME は `generate schema` でのみ指定できます
cli2-out-dir-only = --out-dir は `generate man` と `generate schema` でのみ指定できます
cli2-out-dir-not-dir = --out-dir { $dir }: ディレクトリーではありません
cli2-schema-both = generate schema: NAME(表示)か --out-dir(すべて)のどちらか一方を指定してください
cli2-no-schema = generate schema: スキーマ { $name } はありません。指定できるのは: { $names }
cli2-endpoint-no-name = --endpoint '{ $arg }': NAME=HOST:PORT の形式で指定してください
cli2-endpoint-unknown = --endpoint '{ $arg }': エンドポイント '{ $name }' は不明です。指定できるのは: { $known }
cli2-endpoint-no-port = --endpoint '{ $arg }': '{ $address }' に :PORT がありません
cli2-endpoint-bad-port = --endpoint '{ $arg }': ポート '{ $port }' が不正です
cli2-unknown-lang = 言語 { $lang } には対応していません(en または ja)
## (end of block cli2)

## block hostsf: hosts recover, host files, planner notes, file reads
# Files rhv-pki refuses to read (not the system's words).
hostsf-read-directory = ディレクトリーです(通常のファイルではありません)
hostsf-read-fifo = FIFO です(通常のファイルではありません)
hostsf-read-socket = ソケットです(通常のファイルではありません)
hostsf-read-device = デバイスです(通常のファイルではありません)
hostsf-read-not-regular = 通常のファイルではありません
hostsf-read-too-large = { $limit } バイトを超えています
# hosts recover: installing on a host, the refusals and the CSRs.
hostsf-install-qemu-ca-vanished = qemu-ca.pem がなくなりました(計画の作成時にはありました)
hostsf-install-nothing = { $path }: インストールする内容がありません(計画に矛盾があります)
hostsf-install-backups = バックアップを作成できません: { $error }
hostsf-install-file = { $path } をインストールできません: { $error }
hostsf-install-restart = { $service } を再起動できません: { $error }
hostsf-install-ca-pem = ca.pem を使用できません: { $error }
hostsf-install-not-served = { $endpoint } は { $secs } 秒以内に新しい証明書を提示しませんでした: { $last }
hostsf-vdsm-old-serial = vdsm はまだシリアル { $serial } を提示しています(期待値 { $expected })
hostsf-vdsm-other-key = vdsm は新しいシリアルを別の鍵で提示しています
hostsf-vdsm-not-accepted = vdsm の証明書を受け入れられません: { $error }
hostsf-refusal-key-missing = { $path } がありません: 維持する鍵がありません。ホストを再インストールするか、証明書の登録 (新しい鍵) を使用してください
hostsf-refusal-key-unusable = { $path } はホスト上で使用できません: { $reason }
hostsf-csr-from = { $key } から CSR を作成できません: { $error }
hostsf-csr-self-signature = { $key } から作成した CSR の自己署名を検証できません
hostsf-csr-key-changed = 計画の作成後にホスト上の { $key } が変更されました。何も変更していません。もう一度実行してください
hostsf-csr-failed-unchanged = { $error }。このホストでは何も変更していません
hostsf-manager-write-failed = Manager の PKI の書き込みに失敗しました({ $error })。ロールバックし、このホストには何もインストールしていません
# The planner's notes and reasons (matched as phrases, src/cli/phrases.rs).
hostsf-phrase-apache-copy = apache-ca.pem は ca.pem のコピーです(通常のシンボリックリンクではありません): 同じトランザクションで再署名した CA に更新します
hostsf-phrase-copy-key-afterwards = 後でそこにコピーしてください(そのファイルの所有者とモードを維持)。また、keys/{ $name }.p12 の新しい鍵を { $path } にコピーしてください(モード 0600、所有者 ovirt-vmconsole)
hostsf-phrase-new-key-asked = --new-key で指定されました
hostsf-phrase-link-followed = { $file } はシンボリックリンクです: リンク先の { $target } を置き換え(所有者、モード、SELinux ラベルは維持)、リンクはそのまま残します
hostsf-phrase-cannot-read = { $path }: ファイルを読み込めません: { $rest }
hostsf-phrase-no-certificate = { $path }: 証明書が見つかりません(PEM ブロックがなく、DER 形式でもありません)
hostsf-phrase-truncated-pem = { $path }: バイト { $offset } から始まる PEM ブロック '{ $label }' に END 行がありません(ファイルが途中で切れている可能性があります)
hostsf-phrase-bad-base64 = { $path }: PEM ブロック '{ $label }' が有効な Base64 ではありません: { $reason }
## (end of block hostsf)

## block net2: Manager client, TLS verifier, transaction and serial errors
txn-op-chmod = モードを変更できません (chmod)
txn-op-chown = 所有者を変更できません (chown)
txn-op-create = 作成できません
txn-op-create-backup = バックアップを作成できません
txn-op-create-backup-copy = バックアップのコピーを作成できません
txn-op-create-backup-dir = バックアップのディレクトリーを作成できません
txn-op-create-backup-root = バックアップの保存先ディレクトリーを作成できません
txn-op-create-directory = ディレクトリーを作成できません
txn-op-create-journal = ジャーナルを作成できません
txn-op-create-lock-directory = ロック用ディレクトリーを作成できません
txn-op-create-temporary-file = 一時ファイルを作成できません
txn-op-flock = ロックできません (flock)
txn-op-fsync = ディスクに書き出せません (fsync)
txn-op-fsync-directory = ディレクトリーをディスクに書き出せません (fsync)
txn-op-open = 開けません
txn-op-open-directory = ディレクトリーを開けません
txn-op-open-for-locking = ロックのために開けません
txn-op-open-journal = ジャーナルを開けません
txn-op-open-lock-directory = ロック用ディレクトリーを開けません
txn-op-read = 読み取れません
txn-op-read-after-writing = 書き込み後に読み取れません
txn-op-read-backup-copy = バックアップのコピーを読み取れません
txn-op-read-directory = ディレクトリーを読み取れません
txn-op-read-for-backup = バックアップのために読み取れません
txn-op-read-link = シンボリックリンクを読み取れません
txn-op-remove = 削除できません
txn-op-remove-lock-directory = ロック用ディレクトリーを削除できません
txn-op-rename = 名前を変更できません (rename)
txn-op-resolve = パスを解決できません
txn-op-resolve-link = シンボリックリンクを解決できません
txn-op-set-times = タイムスタンプを設定できません
txn-op-stat = 属性を取得できません (stat)
txn-op-stat-after-writing = 書き込み後に属性を取得できません (stat)
txn-op-symlink = シンボリックリンクを作成できません
txn-op-syncfs = ファイルシステムをディスクに書き出せません (syncfs)
txn-op-write = 書き込めません
txn-op-write-backup-copy = バックアップのコピーを書き込めません
txn-op-write-journal = ジャーナルに書き込めません
engine-url-not-https = https:// で始まる必要があります(平文の HTTP ではパスワードが暗号化されずに送られます)
engine-url-no-host = ホスト名がありません(ユーザー情報は受け付けません)
engine-url-unclosed-ipv6 = IPv6 アドレスの [ が閉じていません
engine-url-bad-port = ポート番号が不正です
engine-url-not-tls-name = ホスト名が TLS のサーバー名として有効ではありません
engine-connect-timed-out = { $secs } 秒でタイムアウトしました
engine-handshake-timed-out = TLS ハンドシェイクがタイムアウトしました
engine-handshake-dropped = TLS ハンドシェイク中に接続が切れました: { $error }
engine-reading-dropped = 応答の読み取り中に接続が切れました: { $error }
engine-tls = { $endpoint }: TLS で接続できません: { $reason }
engine-tls-pinned-ca = 信頼する CA 証明書を使用できません: { $reason }
# $prefix is rustls' own English lead-in ("unexpected error: "): not shown in Japanese.
engine-tls-refused = { $prefix ->
       *[other] サーバー証明書を受け入れません: { $cert }
    }
engine-fault = { $method } { $path }: Manager がエラーを返しました (HTTP { $status }): { $reason }
engine-fault-detail = { $method } { $path }: Manager がエラーを返しました (HTTP { $status }): { $reason } — { $detail }
engine-decode = { $method } { $path }: { $reason }
engine-sso-not-json = SSO の応答 (HTTP { $status }) が JSON ではありません: { $error }
engine-not-json = 応答が JSON ではありません: { $error }
engine-record = { $method } { $path }: { $reason }
engine-record-host-no-id = id のないホストがあります
engine-record-vm-no-id = id のない仮想マシンがあります
engine-record-no-id = id のない { $kind } があります
engine-record-cluster-no-id = クラスターに id がありません
engine-record-event-id = 数値の id がないイベントがあります
tls-cert-parse = サーバー証明書を解析できません: { $reason }
tls-cert-expired = サーバー証明書 (シリアル { $serial }) は { $date } に期限が切れています
tls-cert-not-yet-valid = サーバー証明書は { $date } まで有効になりません
tls-cert-name-mismatch = サーバー証明書 (CN { $cn }) の subjectAltName に '{ $name }' がありません
tls-cert-bad-signature = サーバー証明書の署名が、信頼する CA の鍵で検証できません
tls-cert-unverifiable = サーバー証明書の署名アルゴリズムを検証できません
tls-cert-intermediate = 中間証明書を発行者として使用できません: { $reason }
tls-cert-chain-signature = サーバーの証明書チェーンに検証できない署名があります
tls-cert-other-issuer = サーバー証明書の発行者は '{ $issuer }' で、信頼する CA '{ $pinned }' ではありません
engine-request = リクエストを組み立てられません: { $error }
change-stale-serial-unreadable = serial.txt の内容が不正です: { $reason }
change-stale-serial-moved = serial.txt は { $found } ですが、計画では { $planned } を発行します
## (end of block net2)

## block main: 障害の間、Manager のクライアントが再試行していることの通知
engine-retrying = Manager が { $request } に { $waited } 秒間応答していません({ $error })。最大 { $limit } 秒まで再試行します
ssh-auth-key-unloadable = { $path }: 秘密鍵を読み込めません({ $error })。暗号化された鍵は ssh-agent に読み込ませてください
ssh-auth-no-key = ユーザー { $user } として提示できる鍵がありません(--ssh-key を指定するか、ssh-agent を実行してください)
ssh-auth-refused = ユーザー { $user } は次の鍵を拒否されました: { $tried }
ssh-offered-agent-key = エージェントの鍵 { $fingerprint }
ssh-offered-agent-unusable = SSH_AUTH_SOCK のエージェントを使用できません({ $error })
ssh-offered-list = { $first }、{ $next }
recover-manager-rolled-back = { $error }。Manager の PKI はロールバックしました (バックアップ { $backup })
## (end of block main)
