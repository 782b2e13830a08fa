//! The library side of the cycle against stand-in commands reached through `remote::Local`
//! with the stand-ins first in its `path` (the way an SSH target will be plugged in): unit states, global maintenance
//! set / read back / left as found, the REST adapter, and a whole cycle around the real
//! `change::apply` with a real apache serving the result.

mod common;

use std::cell::RefCell;
use std::time::Duration;

use common::manager::{served, Manager};
use rhv_pki::manager::endpoints::{self, CheckState};
use rhv_pki::manager::maintenance::{
    self, Cycle, CycleOptions, CycleResult, GlobalMaintenance, HeRest, HeRestError, Held,
    HostedEngineCli, MaintError, RestMaintenance, Settle,
};
use rhv_pki::manager::services;
use rhv_pki::net::remote::Local;
use rhv_pki::pki::catalog::Era;

fn local(m: &Manager) -> Local {
    // The stand-ins first, then this process's PATH.
    let mut dirs = vec![m.shims()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    Local {
        path: Some(std::env::join_paths(dirs).unwrap()),
        ..Local::default()
    }
}

const QUICK: Settle = Settle {
    timeout: Duration::from_secs(1),
    interval: Duration::from_millis(100),
};

#[test]
fn unit_states_decide_what_is_restarted() {
    let m = Manager::start(
        "4.5-modern",
        &[
            ("httpd", "enabled", true),
            ("ovirt-imageio", "enabled", false),
            ("ovirt-websocket-proxy", "disabled", true),
            ("ovirt-provider-ovn", "disabled", false),
            ("ovn-northd", "masked", false),
        ],
    );
    let t = local(&m);
    let needs = services::needed(&["ca", "apache", "websocket-proxy"], Era::V45);
    let plan = services::plan(&t, &needs).unwrap();
    let got: Vec<(&str, &str)> = plan.iter().map(|s| (s.unit.as_str(), s.action)).collect();
    assert_eq!(
        got,
        [
            ("httpd", "restart"),
            // enabled but not running: a bad certificate may be why — start it.
            ("ovirt-imageio", "restart"),
            // disabled but running: it holds the old certificate.
            ("ovirt-websocket-proxy", "restart"),
            ("ovirt-provider-ovn", "skip"),
            ("ovn-northd", "skip"),
            ("ovirt-engine", "skip"),
        ]
    );
    let by = |u: &str| plan.iter().find(|s| s.unit == u).unwrap();
    assert_eq!(by("ovn-northd").state, "masked");
    assert_eq!(by("ovirt-engine").state, "not installed");
    assert_eq!(by("ovirt-provider-ovn").state, "disabled, not running");
    assert!(by("httpd").because.iter().any(|b| b.starts_with("apache:")));
    assert!(by("httpd").because.iter().any(|b| b.starts_with("ca:")));
    // Nothing was restarted by planning.
    assert!(!m.calls().iter().any(|c| c.contains("systemctl restart")));
    // A failing restart quotes systemctl.
    m.flag("fail-httpd");
    let e = services::restart(&t, "httpd").unwrap_err().to_string();
    assert!(e.contains("control process exited"), "{e}");
}

#[test]
fn global_maintenance_is_read_back_and_left_as_found() {
    let m = Manager::start("4.5-modern", &[]);
    let t = local(&m);
    let he = HostedEngineCli { target: &t };
    let st = he.vm_status().unwrap().unwrap();
    assert!(!st.global_maintenance);
    assert_eq!(st.hosts.len(), 2);

    let held = maintenance::enter(&he, QUICK).unwrap();
    assert_eq!(
        held,
        Held {
            was_on: false,
            we_set: true
        }
    );
    assert!(m.gm());
    assert!(maintenance::leave(&he, held, QUICK).unwrap());
    assert!(!m.gm());

    // Already on: not touched, and left on.
    m.set_gm(true);
    m.clear_calls();
    let held = maintenance::enter(&he, QUICK).unwrap();
    assert_eq!(
        held,
        Held {
            was_on: true,
            we_set: false
        }
    );
    assert!(!maintenance::leave(&he, held, QUICK).unwrap());
    assert!(m.gm());
    assert!(!m.calls().iter().any(|c| c.contains("--set-maintenance")));

    // Does not take: an error naming it, and still off.
    m.set_gm(false);
    m.flag("he-ignore");
    match maintenance::enter(&he, QUICK) {
        Err(MaintError::DidNotTake { wanted, .. }) => assert_eq!(wanted, "on"),
        other => panic!("{other:?}"),
    }
    assert!(!m.gm());

    // No hosted-engine there at all: None, not an error.
    let bare = Local::default();
    let none = HostedEngineCli { target: &bare };
    if !std::path::Path::new("/usr/sbin/hosted-engine").exists() {
        assert!(none.vm_status().unwrap().is_none());
    }
}

/// A Manager's REST side as the adapter sees it (the real client is engine.rs's).
struct FakeRest {
    vm: Option<String>,
    on: RefCell<bool>,
    takes: bool,
    calls: RefCell<Vec<String>>,
}

impl HeRest for FakeRest {
    fn hosted_engine_vm(&self) -> Result<Option<String>, HeRestError> {
        Ok(self.vm.clone())
    }
    fn set_global_maintenance(&self, vm_id: &str, on: bool) -> Result<(), HeRestError> {
        self.calls
            .borrow_mut()
            .push(format!("POST /vms/{vm_id}/maintenance {on}"));
        if self.takes {
            *self.on.borrow_mut() = on;
        }
        Ok(())
    }
    fn global_maintenance(&self) -> Result<bool, HeRestError> {
        Ok(*self.on.borrow())
    }
}

// HeRest is used single-threaded here; the trait itself does not demand Sync.
#[test]
fn rest_adapter_sets_reads_back_and_detects() {
    let none = FakeRest {
        vm: None,
        on: RefCell::new(false),
        takes: true,
        calls: RefCell::default(),
    };
    assert!(RestMaintenance::detect(&none).unwrap().is_none());
    let r = FakeRest {
        vm: Some("7a3f".into()),
        ..none
    };
    let gm = RestMaintenance::detect(&r).unwrap().unwrap();
    assert!(gm.via().contains("7a3f"));
    let held = maintenance::enter(&gm, QUICK).unwrap();
    assert!(held.we_set);
    maintenance::leave(&gm, held, QUICK).unwrap();
    assert_eq!(
        *r.calls.borrow(),
        [
            "POST /vms/7a3f/maintenance true",
            "POST /vms/7a3f/maintenance false"
        ]
    );
    assert!(gm
        .manual(true)
        .contains("<maintenance_enabled>true</maintenance_enabled>"));
    let stuck = FakeRest {
        vm: Some("x".into()),
        on: RefCell::new(false),
        takes: false,
        calls: RefCell::default(),
    };
    let gm = RestMaintenance::detect(&stuck).unwrap().unwrap();
    assert!(maintenance::enter(&gm, QUICK).is_err());
}

#[test]
fn cycle_around_the_real_transaction() {
    let m = Manager::start("4.5-modern", &[("httpd", "enabled", true)]);
    let t = local(&m);
    let he = HostedEngineCli { target: &t };
    let pki = m.pki();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let cfg = rhv_pki::change::ChangeConfig {
        pki_dir: pki.clone(),
        engine_conf_dir: Some(m.root.path().join("etc/ovirt-engine/engine.conf.d")),
        now,
        p12_password: "mypass".into(),
        ca_days: Some(3650),
        days: None,
        p12_format: None,
        backup_root: m.root.path().join("var/lib/rhv-pki/backups"),
        lock_timeout: Duration::from_secs(5),
        legacy_lock_dir: None,
        fault: None,
        windows: rhv_pki::audit::alert::BUILTIN,
    };
    let req = rhv_pki::change::Request::Resign {
        all: false,
        names: vec!["apache".into()],
        force: false,
    };
    let plan = rhv_pki::change::plan(&cfg, &req).unwrap();
    assert_eq!(plan.services, ["httpd", "ovirt-imageio"]);
    let needs = services::needed(&["apache"], Era::V45);
    let old = m.apache_disk_serial();
    let mut eps = endpoints::discover(&endpoints::Discover {
        pki_dir: pki.clone(),
        root: m.root.path().to_path_buf(),
        engine_conf_dir: cfg.engine_conf_dir.clone(),
        era: Era::V45,
        overrides: vec![("httpd".into(), format!("127.0.0.1:{}", m.apache_port))],
    });
    eps.retain(|e| e.name == "httpd");
    let before = endpoints::check(&eps[0], Duration::from_secs(5));
    assert_eq!(before.state, CheckState::Current);
    assert_eq!(before.served_serial.as_deref(), Some(old.as_str()));

    let cycle = Cycle {
        maintenance: Some(&he),
        manager: &t,
        restarts: services::plan(&t, &needs).unwrap(),
        endpoints: eps,
        options: CycleOptions {
            settle: QUICK,
            verify_timeout: Duration::from_secs(30),
            verify_interval: Duration::from_millis(200),
            probe_timeout: Duration::from_secs(5),
            ..CycleOptions::default()
        },
    };
    let gm_during = RefCell::new(None);
    let (rep, files) = cycle.run(
        || {
            *gm_during.borrow_mut() = Some(m.gm());
            rhv_pki::change::apply(&cfg, &plan, &mut rhv_pki::change::Quiet)
        },
        &mut (),
    );
    assert_eq!(
        *gm_during.borrow(),
        Some(true),
        "files written outside maintenance"
    );
    let applied = files.unwrap().unwrap();
    assert!(applied.changed);
    assert_eq!(rep.result, CycleResult::Done, "{rep:#?}");
    // ovirt-imageio is not installed in this stand-in Manager: skipped, not failed.
    assert_eq!(
        rep.restarts
            .iter()
            .map(|s| (s.unit.as_str(), s.action))
            .collect::<Vec<_>>(),
        [("httpd", "restart"), ("ovirt-imageio", "skip")]
    );
    let new = m.apache_disk_serial();
    assert_ne!(new, old);
    assert_eq!(rep.checks[0].served_serial.as_deref(), Some(new.as_str()));
    assert_eq!(served(m.apache_port).0, new);
    assert!(!m.gm());
}
