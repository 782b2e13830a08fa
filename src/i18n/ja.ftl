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
