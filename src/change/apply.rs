//! The executor: [`apply`] runs a [`Plan`] inside one [`txn::Txn`] (entities first, the
//! CAs last, `ca.pem` itself at the very end), [`verify`]s what was written and rolls back on
//! any failure.

use std::fs;
use std::path::Path;

use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::X509;

use super::check::preflight;
use super::plan::APACHE_CA;
use super::state::*;
use super::*;
use crate::pki::catalog;
use crate::pki::cert;
use crate::pki::conf;
use crate::pki::p12format;
use crate::pki::sign::{self, LeafProfile, NameStyle};
use crate::pki::sshcert;
use txn::{Meta, Tree, Txn, TxnConfig};

/// Owner and mode of a new file: those of `like` when it exists, else `mode` with the
/// owner of `dir_like` (oVirt's `chown --reference`).
fn meta_like(like: &Path, dir_like: &Path, mode: u32) -> Result<Meta> {
    if let Ok(m) = Meta::of(like) {
        return Ok(m);
    }
    let d = Meta::of(dir_like)?;
    Ok(Meta {
        mode,
        uid: d.uid,
        gid: d.gid,
    })
}

/// `.truststore` with `ca_pem` as the trusted certificate under `alias`, as
/// pki-create-ca.sh's keystore() leaves it (`keytool -delete`, `-importcert -trustcacerts`),
/// written natively: same format, password and protection, the other entries unchanged.
fn refresh_truststore(
    current: &[u8],
    alias: &str,
    ca_pem: &[u8],
    password: &str,
    now: i64,
) -> std::result::Result<Vec<u8>, TruststoreRewrite> {
    let der = openssl::x509::X509::from_pem(ca_pem)
        .and_then(|x| x.to_der())
        .map_err(|e| TruststoreRewrite::Pem(cert::first_openssl_reason(&e)))?;
    Ok(crate::pki::truststore::set_trusted_certificate(
        current, password, alias, &der, now,
    )?)
}

/// The engine's trust store password, by the audit's rule (engine.conf.d, else oVirt's).
pub(super) fn truststore_password(cfg: &ChangeConfig) -> String {
    crate::audit::store_passwords(cfg.engine_conf_dir.as_deref())
        .trust_store
        .value
}

fn txn_config(cfg: &ChangeConfig, plan: Option<&Plan>) -> TxnConfig {
    let legacy = cfg
        .legacy_lock_dir
        .clone()
        .unwrap_or_else(|| txn::legacy_lock_dir(None));
    TxnConfig {
        engine_conf_dir: cfg.engine_conf_dir.clone(),
        fault: cfg.fault,
        ..TxnConfig::for_pki(
            &cfg.pki_dir,
            &legacy,
            &cfg.backup_root,
            cfg.lock_timeout,
            cfg.now,
            format!(
                "before rhv-pki {}",
                plan.map(|p| p.command.as_str()).unwrap_or("recovery")
            ),
        )
    }
}

/// Backups of this PKI dir whose run was interrupted (their journals have no end mark).
pub fn interrupted(cfg: &ChangeConfig) -> Result<Vec<String>> {
    Ok(txn::list_backups(&cfg.backup_root)?
        .into_iter()
        .filter(|b| b.state == txn::BackupState::Incomplete && Path::new(&b.pki_dir) == cfg.pki_dir)
        .map(|b| b.id)
        .collect())
}

/// Rolls back interrupted runs (under the locks) so planning sees a consistent PKI.
pub fn recover_interrupted(cfg: &ChangeConfig) -> Result<Vec<String>> {
    if interrupted(cfg)?.is_empty() {
        return Ok(Vec::new());
    }
    Ok(txn::recover_locked(&txn_config(cfg, None))?)
}

/// Executes `plan` (made by [`plan`] with the same `cfg`) in one transaction.
pub fn apply(cfg: &ChangeConfig, plan: &Plan, progress: &mut dyn Progress) -> Result<Applied> {
    let dir = &cfg.pki_dir;
    // The very checks the plan ran: what the dry run promised is what can be done.
    preflight(cfg, plan)?;
    let tcfg = txn_config(cfg, Some(plan));
    if plan.is_empty() {
        // Still undo an interrupted run if there is one.
        let recovered = txn::recover_locked(&tcfg)?;
        return Ok(Applied {
            changed: !recovered.is_empty(),
            backup: None,
            backup_dir: None,
            files_written: Vec::new(),
            recovered,
            manual_steps: Vec::new(),
        });
    }
    progress.step("locking and backing up the PKI directory");
    let mut txn = Txn::begin(tcfg)?;
    let recovered = txn.recovered.clone();
    // Under the lock: the inputs must be what the plan saw (a recovery may have changed them).
    for (p, h) in &plan.inputs {
        if &sha(&dir.join(p)) != h {
            txn.rollback()?;
            return Err(ChangeError::Stale(Stale::File(p.clone())));
        }
    }
    let mut written = Vec::new();
    let mut manual = Vec::new();
    let r = execute(cfg, plan, &mut txn, &mut written, &mut manual, progress);
    let r = r.and_then(|()| {
        progress.step("verifying what was written");
        verify(cfg, plan)
            .and_then(|()| Ok(txn.verify_written()?))
            .map_err(|reason| ChangeError::Verify {
                backup: txn.id.clone(),
                reason: Box::new(reason),
            })
    });
    match r {
        Ok(()) => {
            let backup_dir = txn.backup_dir().to_string_lossy().into_owned();
            let id = txn.commit()?;
            Ok(Applied {
                changed: true,
                backup: Some(id),
                backup_dir: Some(backup_dir),
                files_written: written,
                recovered,
                manual_steps: manual,
            })
        }
        Err(e) => {
            let id = txn.id.clone();
            txn.rollback()?;
            Err(match e {
                ChangeError::Verify { .. } => e,
                other => ChangeError::RolledBack {
                    backup: id,
                    reason: Box::new(other),
                },
            })
        }
    }
}

fn execute(
    cfg: &ChangeConfig,
    plan: &Plan,
    txn: &mut Txn,
    written: &mut Vec<String>,
    manual: &mut Vec<String>,
    progress: &mut dyn Progress,
) -> Result<()> {
    let mut x = Exec {
        cfg,
        dir: &cfg.pki_dir,
        plan,
        txn,
        written,
        manual,
        progress,
    };
    // 1. openssl.conf
    if let Some(c) = &plan.conf {
        x.fix_conf(c)?;
    }
    if plan.items.is_empty() {
        return Ok(());
    }
    // 2. entities, then database.txt and serial.txt
    let signer = Signer::load(cfg, plan)?;
    let entities: Vec<&Item> = plan
        .items
        .iter()
        .filter(|i| matches!(i.action, Action::Reissue { .. }))
        .collect();
    if !entities.is_empty() {
        let ca_key = load_ca_key(x.dir, &signer.ca)?;
        let mut index = Index::read(x.dir)?;
        for item in entities {
            x.issue_entity(&signer, &ca_key, item, &mut index)?;
        }
        x.write_index(&index)?;
    }
    // 3. CAs, ca.pem itself last: replacing it changes the inode enrollment scripts lock.
    x.resign_cas()
}

/// One run of [`execute`]: where it writes and what it has written.
struct Exec<'a> {
    cfg: &'a ChangeConfig,
    dir: &'a Path,
    plan: &'a Plan,
    txn: &'a mut Txn,
    written: &'a mut Vec<String>,
    manual: &'a mut Vec<String>,
    progress: &'a mut dyn Progress,
}

/// What signs the entities: the CA and the leaf profile's parts read from the PKI.
struct Signer {
    ca: CaState,
    /// The subjectAltName of SAN certificates (`ENGINE_FQDN` as the plan recorded it).
    san: Option<String>,
    /// `authorityInfoAccess` from cert.template.
    aia: Option<String>,
    ca_has_ski: bool,
}

impl Signer {
    fn load(cfg: &ChangeConfig, plan: &Plan) -> Result<Signer> {
        let dir = &cfg.pki_dir;
        let ca = load_ca(dir, &catalog::CAS[0])?
            .ok_or_else(|| ChangeError::Stale(Stale::File("ca.pem".into())))?;
        let san = plan.engine_host.as_ref().map(HostName::san);
        let aia = read_text(dir.join("cert.template")).ok().and_then(|t| {
            t.lines().find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == "authorityInfoAccess")
                    .then(|| v.trim().strip_prefix("caIssuers;URI:").map(str::to_string))
                    .flatten()
            })
        });
        let ca_has_ski = openssl_has_ski(&ca.der);
        Ok(Signer {
            ca,
            san,
            aia,
            ca_has_ski,
        })
    }
}

/// `database.txt` and `serial.txt` as `openssl ca` leaves them, with their `.old` copies.
struct Index {
    db: String,
    db_prev: String,
    serial_now: String,
    serial_prev: String,
}

impl Index {
    fn read(dir: &Path) -> Result<Index> {
        let serial_path = dir.join("serial.txt");
        let serial = read_text(&serial_path).map_err(|e| crate::Error::io(&serial_path, e))?;
        let db_path = dir.join("database.txt");
        let db = read_text(&db_path).map_err(|e| crate::Error::io(&db_path, e))?;
        Ok(Index {
            db_prev: db.clone(),
            db,
            serial_prev: serial.clone(),
            serial_now: serial,
        })
    }

    /// serial.txt must still say what the plan expected.
    fn expect(&self, serial: u128) -> Result<()> {
        let found = conf::parse_serial(&self.serial_now).map_err(|reason| {
            ChangeError::Stale(Stale::SerialUnreadable {
                reason: reason.to_string(),
            })
        })?;
        if found != serial {
            return Err(ChangeError::Stale(Stale::Serial {
                found,
                planned: serial,
            }));
        }
        Ok(())
    }

    /// One issued certificate, as `openssl ca` records it.
    fn record(&mut self, serial: &str, not_after: i64, subject: &openssl::x509::X509NameRef) {
        self.db_prev = self.db.clone();
        self.db
            .push_str(&sign::index_line(serial, not_after, subject));
        self.serial_prev = self.serial_now.clone();
        self.serial_now = format!("{}\n", sign::next_serial(serial).unwrap_or_default());
    }
}

/// A fresh RSA-2048 key (`renew --new-key`).
fn new_key() -> Result<PKey<Private>> {
    let err = sign::SignError::openssl(sign::SignStep::KeyGeneration);
    let rsa = Rsa::generate(2048).map_err(&err)?;
    PKey::from_rsa(rsa).map_err(|e| err(e).into())
}

impl Exec<'_> {
    fn fix_conf(&mut self, c: &ConfChange) -> Result<()> {
        let dir = self.dir;
        self.progress.step("openssl.conf: default_md -> sha256");
        let text = String::from_utf8_lossy(
            &read_file(dir.join(&c.path)).map_err(|e| crate::Error::io(dir.join(&c.path), e))?,
        )
        .into_owned();
        let (fixed, _) = conf::fix_default_md(&text)
            .ok_or_else(|| ChangeError::Stale(Stale::File("openssl.conf".into())))?;
        self.txn.backup_copy(Tree::Pki, &c.path)?;
        self.txn.write(Tree::Pki, &c.path, fixed.as_bytes(), None)?;
        self.written.push(c.path.clone());
        Ok(())
    }

    /// Writes `data` to `rel` through the transaction (`meta` as [`Txn::write`] takes it),
    /// after a `.YYYYmmddHHMMSS` copy of the file it replaces when `backup`.
    fn put(&mut self, rel: &str, data: &[u8], meta: Option<Meta>, backup: bool) -> Result<()> {
        if backup {
            self.txn.backup_copy(Tree::Pki, rel)?;
        }
        self.txn.write(Tree::Pki, rel, data, meta)?;
        Ok(())
    }

    /// One entity: a new certificate (same key unless the plan says new) and every file
    /// oVirt keeps of it, its OpenSSH certificate when it has one, recorded in the index.
    fn issue_entity(
        &mut self,
        signer: &Signer,
        ca_key: &PKey<Private>,
        item: &Item,
        index: &mut Index,
    ) -> Result<()> {
        let (cfg, dir) = (self.cfg, self.dir);
        let Action::Reissue {
            entity: def,
            serial,
            key,
            p12: family,
            not_before,
            not_after,
        } = item.action
        else {
            return Ok(());
        };
        let serial_hex = sign::serial_text(serial);
        self.progress
            .step(&format!("{}: issuing serial {serial_hex}", def.name));
        let st = load_entity(dir, def, &cfg.p12_password, &signer.ca)?
            .ok_or_else(|| ChangeError::Stale(Stale::File(format!("keys/{}.p12", def.name))))?;
        index.expect(serial)?;
        let key = match key {
            KeyUse::New => {
                self.progress
                    .step(&format!("{}: generating a new RSA-2048 key", def.name));
                new_key()?
            }
            KeyUse::Kept => st.key,
        };
        let profile = LeafProfile {
            profile: def.profile,
            san_dns: signer.san.clone(),
            aia: signer.aia.clone(),
            ca_has_ski: signer.ca_has_ski,
        };
        let cert = sign::issue_leaf(
            st.cert.subject_name(),
            &key,
            &signer.ca.x509,
            ca_key,
            &serial_hex,
            not_before,
            not_after,
            &profile,
        )?;
        let csr = sign::request(&key)?
            .to_pem()
            .map_err(sign::SignError::openssl(sign::SignStep::Request))?;
        let p12 = sign::pkcs12(&cert, &key, &cfg.p12_password, family)?;
        let text = sign::text_and_pem(&cert)?;
        let n = def.name;
        // requests/<name>.req
        let req_rel = format!("requests/{n}.req");
        let m = meta_like(&dir.join(&req_rel), &dir.join("requests"), 0o644)?;
        self.put(&req_rel, &csr, Some(m), dir.join(&req_rel).exists())?;
        // certs/<name>.cer
        let cer_rel = format!("certs/{n}.cer");
        let old_cer = read_file(dir.join(&cer_rel)).ok();
        let cer = if def.extract {
            sign::extracted_cer(
                &cert,
                old_cer
                    .as_deref()
                    .map(NameStyle::of)
                    .unwrap_or(NameStyle::Oneline),
            )?
        } else {
            text.clone()
        };
        let m = meta_like(&dir.join(&cer_rel), &dir.join("certs"), 0o644)?;
        self.put(&cer_rel, &cer, Some(m), old_cer.is_some())?;
        // keys/<name>.p12
        let p12_rel = format!("keys/{n}.p12");
        self.put(&p12_rel, &p12, None, true)?;
        // keys/<name>.key.nopass
        if def.extract {
            let k_rel = format!("keys/{n}.key.nopass");
            let m = meta_like(&dir.join(&k_rel), &dir.join(&p12_rel), 0o600)?;
            self.put(&k_rel, &sign::extracted_key(&key, &cert)?, Some(m), false)?;
            self.written.push(k_rel);
        }
        // certs/<SERIAL>.pem, as openssl ca's new_certs_dir copy
        let copy_rel = format!("certs/{serial_hex}.pem");
        let m = meta_like(
            &dir.join(format!("certs/{}.pem", item.old_serial)),
            &dir.join("certs"),
            0o644,
        )?;
        self.put(&copy_rel, &text, Some(Meta { mode: 0o644, ..m }), false)?;
        if let Some(o) = &item.openssh {
            self.reissue_openssh(o, &key, ca_key)?;
        }
        index.record(&serial_hex, not_after, cert.subject_name());
        self.written.extend([req_rel, cer_rel, p12_rel, copy_rel]);
        Ok(())
    }

    /// database.txt / serial.txt and their .old / .attr companions, owned like the PKI dir.
    fn write_index(&mut self, index: &Index) -> Result<()> {
        let dir = self.dir;
        self.progress.step("database.txt, serial.txt");
        let owner = Meta::of(dir)?;
        let like = |rel: &str| -> Result<Meta> {
            let m = meta_like(&dir.join(rel), dir, 0o644)?;
            Ok(Meta {
                uid: owner.uid,
                gid: owner.gid,
                ..m
            })
        };
        let attr_rel = "database.txt.attr";
        let attr_old = read_file(dir.join(attr_rel)).ok();
        for (rel, data) in [
            ("database.txt.old", &index.db_prev),
            ("database.txt", &index.db),
            ("serial.txt.old", &index.serial_prev),
            ("serial.txt", &index.serial_now),
        ] {
            self.put(rel, data.as_bytes(), Some(like(rel)?), false)?;
            self.written.push(rel.into());
        }
        if let Some(a) = attr_old {
            let m = like("database.txt.attr.old")?;
            self.put("database.txt.attr.old", &a, Some(m), false)?;
        }
        let m = like(attr_rel)?;
        self.put(attr_rel, b"unique_subject = no\n", Some(m), false)
    }

    /// Each CA re-signed with its own key: its copy, the trust store and a regular-file
    /// apache-ca.pem first, then the CA files themselves, relocked.
    fn resign_cas(&mut self) -> Result<()> {
        let (cfg, dir) = (self.cfg, self.dir);
        let ts_pw = truststore_password(cfg);
        let mut new_ca_files = Vec::new();
        for item in &self.plan.items {
            let Action::ResignCa {
                ca: def,
                not_before,
                not_after,
                rewrite_truststore,
                refresh_apache_copy,
            } = item.action
            else {
                continue;
            };
            self.progress
                .step(&format!("{}: re-signing with its own key", def.name));
            let st = load_ca(dir, def)?
                .ok_or_else(|| ChangeError::Stale(Stale::File(def.cert.into())))?;
            let key = load_ca_key(dir, &st)?;
            let new = sign::resign_ca(&st.der, &key, not_before, not_after)?;
            let pem = new
                .to_pem()
                .map_err(sign::SignError::openssl(sign::SignStep::Pem))?;
            // certs/ca.der: a PEM copy despite its name, as pki-create-ca.sh writes it.
            let m = meta_like(&dir.join(def.copy), &dir.join("certs"), 0o644)?;
            self.put(def.copy, &pem, Some(m), false)?;
            self.written.push(def.copy.into());
            if rewrite_truststore {
                let ts = dir.join(".truststore");
                let cur = read_file(&ts).map_err(|e| crate::Error::io(&ts, e))?;
                let data = refresh_truststore(&cur, def.truststore_alias, &pem, &ts_pw, cfg.now)
                    .map_err(Refusal::TruststoreRewrite)?;
                self.put(".truststore", &data, None, false)?;
                self.written.push(".truststore".into());
            }
            // A regular-file copy of ca.pem (the plan checked it held the old CA) follows it.
            if refresh_apache_copy {
                self.progress.step("apache-ca.pem: the copy of ca.pem");
                self.put(APACHE_CA, &pem, None, true)?;
                self.written.push(APACHE_CA.into());
            }
            new_ca_files.push((def.cert, pem));
        }
        for (rel, pem) in new_ca_files {
            self.put(rel, &pem, None, true)?;
            self.txn.relock(Tree::Pki, rel)?;
            self.written.push(rel.into());
        }
        Ok(())
    }
}

impl Exec<'_> {
    /// Re-issues a vmconsole entity's OpenSSH certificate for `key` (the key its new X.509
    /// certificate carries) as `pki-enroll-openssh-cert.sh` does: `certs/<name>.pub`
    /// rewritten when the plan says so, `certs/<name>-cert.pub` signed by the CA key; both
    /// backed up as its `common_backup` does (`.YYYYmmddHHMMSS`) and written through the
    /// transaction.
    fn reissue_openssh(
        &mut self,
        o: &OpensshItem,
        key: &PKey<Private>,
        ca_key: &PKey<Private>,
    ) -> Result<()> {
        let dir = self.dir;
        self.progress.step(&format!(
            "{}: OpenSSH {} certificate signed by the CA key",
            o.file, o.cert_type
        ));
        let subject = sshcert::ssh_public(key)?;
        if let Some(pub_rel) = &o.public_key_file {
            let m = meta_like(&dir.join(pub_rel), &dir.join("certs"), 0o644)?;
            let data = sshcert::public_file(&subject)?;
            self.put(pub_rel, &data, Some(m), dir.join(pub_rel).exists())?;
            self.written.push(pub_rel.clone());
        }
        let old = read_file(dir.join(&o.file)).ok();
        let comment = old
            .as_deref()
            .and_then(|d| sshcert::parse(d).ok())
            .map(|c| c.comment().to_string())
            .unwrap_or_default();
        let mut nonce = [0u8; 32];
        openssl::rand::rand_bytes(&mut nonce)
            .map_err(sign::SignError::openssl(sign::SignStep::Nonce))?;
        let data = sshcert::issue(
            ca_key,
            &sshcert::Request {
                which: o.which,
                subject: &subject,
                fqdn: &self.plan.engine_name().unwrap_or_default(),
                valid_after: o.valid_after,
                valid_before: o.valid_before,
                comment: &comment,
                nonce,
            },
        )?;
        let m = meta_like(&dir.join(&o.file), &dir.join("certs"), 0o644)?;
        self.put(&o.file, &data, Some(m), old.is_some())?;
        self.written.push(o.file.clone());
        self.manual.push(format!(
            "copy {} to {} (the vmconsole proxy's copy; keep its owner and mode), then restart ovirt-vmconsole-proxy-sshd",
            dir.join(&o.file).display(),
            o.proxy_copy
        ));
        Ok(())
    }
}

/// After writing: the OpenSSH certificate is oVirt's for the entity's key (the one in its
/// p12), signed by the CA key, with the planned window; `certs/<name>.pub` holds that key.
fn verify_openssh(
    dir: &Path,
    o: &OpensshItem,
    name: &'static str,
    key: &PKey<Private>,
    ca: &CaState,
    fqdn: Option<&str>,
) -> std::result::Result<(), VerifyError> {
    let subject = sshcert::ssh_public(key)?;
    let ca_pub = ca.x509.public_key()?;
    let ca_key = sshcert::ssh_public(&ca_pub)?;
    let d = read_file(dir.join(&o.file)).map_err(|source| VerifyError::Unreadable {
        file: o.file.clone(),
        source,
    })?;
    let c = sshcert::parse(&d).map_err(|reason| VerifyError::SshCert {
        file: o.file.clone(),
        reason: reason.text(),
    })?;
    let problems = sshcert::problems(&c, o.which, Some(&subject), &ca_key, fqdn);
    if !problems.is_empty() {
        return Err(VerifyError::SshProblems {
            file: o.file.clone(),
            problems,
        });
    }
    if (c.valid_after(), c.valid_before()) != (o.valid_after as u64, o.valid_before as u64)
        || c.key_id() != o.key_id
        || c.valid_principals() != o.principals.as_slice()
    {
        return Err(VerifyError::SshNotPlanned {
            file: o.file.clone(),
        });
    }
    if let Some(pub_rel) = &o.public_key_file {
        let d = read_file(dir.join(pub_rel)).map_err(|source| VerifyError::Unreadable {
            file: pub_rel.clone(),
            source,
        })?;
        let k = ssh_key::PublicKey::from_openssh(String::from_utf8_lossy(&d).trim()).map_err(
            |source| VerifyError::SshPublicKey {
                file: pub_rel.clone(),
                source,
            },
        )?;
        if k.key_data() != &subject {
            return Err(VerifyError::SshNotTheKey {
                file: pub_rel.clone(),
                name,
            });
        }
    }
    Ok(())
}

fn openssl_has_ski(der: &[u8]) -> bool {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, x)| {
            x.extensions()
                .iter()
                .any(|e| e.oid.to_id_string() == "2.5.29.14")
        })
        .unwrap_or(false)
}

/// After writing: every re-issued file is consistent and SHA-256, chains verify (host
/// certificates included, against a re-signed CA), keys match, p12s open.
pub fn verify(cfg: &ChangeConfig, plan: &Plan) -> std::result::Result<(), VerifyError> {
    let dir = &cfg.pki_dir;
    let ca = load_ca(dir, &catalog::CAS[0])
        .map_err(VerifyError::read)?
        .ok_or_else(|| VerifyError::Vanished("ca.pem".into()))?;
    for item in &plan.items {
        match item.action {
            Action::ResignCa {
                ca: def,
                refresh_apache_copy,
                ..
            } => verify_ca(dir, def, &item.old_serial, refresh_apache_copy)?,
            Action::Reissue {
                entity: def,
                serial,
                ..
            } => {
                let st = verify_entity(cfg, def, serial, &ca)?;
                if let Some(o) = &item.openssh {
                    verify_openssh(
                        dir,
                        o,
                        def.name,
                        &st.key,
                        &ca,
                        plan.engine_name().as_deref(),
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// What every re-issued certificate is signed with.
const SHA256: &str = "sha256WithRSAEncryption";

/// A re-signed CA: SHA-256, its serial kept, its self-signature and key, its copies, and
/// the certificates it issued still verifying against it.
fn verify_ca(
    dir: &Path,
    def: &'static catalog::CaDef,
    old_serial: &str,
    refresh_apache_copy: bool,
) -> std::result::Result<(), VerifyError> {
    let st = load_ca(dir, def)
        .map_err(VerifyError::read)?
        .ok_or_else(|| VerifyError::Vanished("CA".into()))?;
    if st.summary.signature.name != SHA256 {
        return Err(VerifyError::NotSha256 {
            file: def.cert.into(),
            found: st.summary.signature.name.to_string(),
        });
    }
    if st.summary.serial != old_serial {
        return Err(VerifyError::SerialChanged { file: def.cert });
    }
    let k = st.x509.public_key()?;
    if !st.x509.verify(&k).unwrap_or(false) {
        return Err(VerifyError::SelfSignature { file: def.cert });
    }
    load_ca_key(dir, &st).map_err(VerifyError::read)?;
    let copy = read_file(dir.join(def.copy)).map_err(|source| VerifyError::Unreadable {
        file: def.copy.into(),
        source,
    })?;
    if cert::first_certificate(&dir.join(def.copy), &copy).ok() != Some(st.der.clone()) {
        return Err(VerifyError::CopyDiffers {
            copy: def.copy,
            of: def.cert,
        });
    }
    if refresh_apache_copy {
        let p = dir.join(APACHE_CA);
        let d = read_file(&p).map_err(|source| VerifyError::Unreadable {
            file: APACHE_CA.into(),
            source,
        })?;
        if cert::first_certificate(&p, &d).ok() != Some(st.der.clone()) {
            return Err(VerifyError::CopyDiffers {
                copy: APACHE_CA,
                of: def.cert,
            });
        }
    }
    // Existing certificates issued by this CA must still verify.
    let sub = if def.name == "ca" {
        "certs"
    } else {
        "certs-qemu"
    };
    let Ok(rd) = fs::read_dir(dir.join(sub)) else {
        return Ok(());
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.extension().is_none_or(|x| x != "cer") {
            continue;
        }
        let Ok(d) = cert::read_limited(&p) else {
            continue;
        };
        let Ok(der) = cert::first_certificate(&p, &d) else {
            continue;
        };
        let Ok(x) = X509::from_der(&der) else {
            continue;
        };
        if x.issuer_name().to_der().ok() != st.x509.subject_name().to_der().ok() {
            continue;
        }
        if !x.verify(&k).unwrap_or(false) {
            return Err(VerifyError::NoLongerVerifies {
                path: p,
                ca: def.cert,
            });
        }
    }
    Ok(())
}

/// A re-issued entity: its own (not third-party, not broken), SHA-256, the planned serial,
/// its `certs/<SERIAL>.pem` copy, and a p12 OpenSSL 3 reads without the legacy provider.
fn verify_entity(
    cfg: &ChangeConfig,
    def: &'static catalog::EntityDef,
    serial: u128,
    ca: &CaState,
) -> std::result::Result<EntityState, VerifyError> {
    let dir = &cfg.pki_dir;
    let new_serial = sign::serial_text(serial);
    let st = load_entity(dir, def, &cfg.p12_password, ca)
        .map_err(VerifyError::read)?
        .ok_or_else(|| VerifyError::Vanished(format!("keys/{}.p12", def.name)))?;
    if let Some(h) = &st.hands_off {
        return Err(VerifyError::HandsOff {
            name: def.name,
            why: h.reason().clone(),
        });
    }
    if st.summary.signature.name != SHA256 {
        return Err(VerifyError::NotSha256 {
            file: def.name.into(),
            found: st.summary.signature.name.to_string(),
        });
    }
    if st.summary.serial != new_serial {
        return Err(VerifyError::WrongSerial {
            name: def.name,
            found: st.summary.serial.clone(),
            expected: new_serial,
        });
    }
    let copy = dir.join(format!("certs/{new_serial}.pem"));
    let d = read_file(&copy).map_err(|source| VerifyError::Unreadable {
        file: copy.display().to_string(),
        source,
    })?;
    if cert::first_certificate(&copy, &d).ok() != Some(st.der.clone()) {
        return Err(VerifyError::NotIssued { path: copy });
    }
    let fmt = p12format::detect(
        &read_file(dir.join(format!("keys/{}.p12", def.name))).unwrap_or_default(),
    )
    .map_err(|reason| VerifyError::P12Unreadable {
        name: def.name,
        reason: reason.to_string(),
    })?;
    if fmt.needs_legacy_provider() || fmt.key_friendly_name {
        return Err(VerifyError::P12Format {
            name: def.name,
            format: fmt.short(),
        });
    }
    Ok(st)
}
