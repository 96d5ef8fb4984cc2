//! Tauri commands, one file per area. Each takes a typed request, calls the core once and maps
//! its error into `AppError`. `registry.rs` lists them all: the handler list, the permissions,
//! the capability and the page's TypeScript `Commands` are made from it, so a command is
//! declared once (docs/architecture.md, "The IPC contract").
//!
//! Commands are `async` and do their database and file work on Tauri's blocking pool
//! (`AppState::read`/`write`): a plain synchronous command would run on the main thread and
//! freeze the window while it works.

pub mod adverse;
pub mod app;
pub mod candidates;
pub mod cases;
pub mod changes;
pub mod exports;
pub mod flags;
pub mod lists;
pub mod monitoring;
pub mod unlock;
pub mod uploads;
pub mod users;
pub mod vendors;
pub mod verification;

use std::collections::BTreeSet;

use ts_rs::{Config, ExportError, TS, TypeVisitor};
// The core's modules, as the registry names its types.
use vetdesk_core::verification as core_verification;
use vetdesk_core::{change, model, store};

/// Expands the registry into the handler list, the names, and each command's signature.
/// (`build.rs` expands the same file with its own `commands!`, into the names only.)
macro_rules! commands {
    ( raw { $( $raw_area:ident :: $raw:ident ; )* }
      $( $area:ident { $( $name:ident ( $($request:ty)? ) -> $answer:ty ; )* } )* ) => {
        /// Every command of the app, in the registry's order.
        pub const COMMANDS: &[&str] = &[ $( $( stringify!($name), )* )* $( stringify!($raw), )* ];

        /// The commands that take a raw binary body rather than JSON arguments.
        pub const RAW_COMMANDS: &[&str] = &[ $( stringify!($raw), )* ];

        /// The handler of every command, for `Builder::invoke_handler`. While the data
        /// directory is locked (no store yet), every command but the unlock screen's answers
        /// `locked` without running.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            let commands = for_app(
                tauri::generate_handler![ $( $( $area::$name, )* )* $( $raw_area::$raw, )* ],
            );
            move |invoke: tauri::ipc::Invoke| {
                use tauri::Manager;
                if !ANSWERED_WHILE_LOCKED.contains(&invoke.message.command())
                    && invoke.message.webview().try_state::<crate::state::AppState>().is_none()
                {
                    let team = invoke
                        .message
                        .webview()
                        .try_state::<std::sync::Arc<crate::unlock::Gate>>()
                        .is_some_and(|gate| gate.is_team());
                    invoke.resolver.reject(if team {
                        crate::error::AppError::not_signed_in()
                    } else {
                        crate::error::AppError::locked()
                    });
                    return true;
                }
                commands(invoke)
            }
        }

        /// Each JSON command with its request and answer types.
        // `( $request )` is the request type itself, and `()` for a command without one.
        #[allow(unused_parens)]
        pub fn signatures(cfg: &Config) -> Vec<Signature> {
            vec![ $( $(
                Signature::of::<( $($request)? ), $answer>(
                    cfg,
                    stringify!($name),
                    <[&str]>::len(&[$( stringify!($request) )?]) == 1,
                ),
            )* )* ]
        }
    };
}

include!("registry.rs");

/// Fixes the runtime of the generated handler (the app's default one).
fn for_app<F: Fn(tauri::ipc::Invoke) -> bool>(handler: F) -> F {
    handler
}

/// The commands the unlock and sign-in screens call before the store is open.
pub const ANSWERED_WHILE_LOCKED: &[&str] = &["unlock_status", "unlock", "sign_in"];

/// One command as the page sees it: its name, its request and answer as TypeScript, the
/// generated types both use, and how to export those.
pub struct Signature {
    pub name: &'static str,
    /// The request's TypeScript type; `None` for a command that takes none.
    pub request: Option<String>,
    pub answer: String,
    /// TypeScript types (file names in `ui/src/bindings/`) the request and answer refer to.
    pub imports: BTreeSet<String>,
    export: fn(&Config) -> Result<(), ExportError>,
}

impl Signature {
    fn of<Req: TS + 'static, Ans: TS + 'static>(
        cfg: &Config,
        name: &'static str,
        has_request: bool,
    ) -> Self {
        let mut imports = BTreeSet::new();
        named::<Req>(cfg, &mut imports);
        named::<Ans>(cfg, &mut imports);
        Self {
            name,
            request: has_request.then(|| Req::name(cfg)),
            answer: Ans::name(cfg),
            imports,
            export: |cfg| {
                export::<Req>(cfg)?;
                export::<Ans>(cfg)
            },
        }
    }

    /// Writes the TypeScript definition of the request and answer types, and of everything
    /// they contain, into `cfg`'s directory.
    pub fn export(&self, cfg: &Config) -> Result<(), ExportError> {
        (self.export)(cfg)
    }
}

/// The exportable types `T` names at its top: itself, or those inside an `Option` or `Vec`.
fn named<T: TS + 'static + ?Sized>(cfg: &Config, into: &mut BTreeSet<String>) {
    struct Generics<'a>(&'a Config, &'a mut BTreeSet<String>);
    impl TypeVisitor for Generics<'_> {
        fn visit<U: TS + 'static + ?Sized>(&mut self) {
            named::<U>(self.0, self.1);
        }
    }
    if T::output_path().is_some() {
        into.insert(T::ident(cfg));
    } else {
        T::visit_generics(&mut Generics(cfg, into));
    }
}

/// Exports `T` with everything it contains; for an `Option` or `Vec`, what it holds.
fn export<T: TS + 'static + ?Sized>(cfg: &Config) -> Result<(), ExportError> {
    struct Generics<'a>(&'a Config, Result<(), ExportError>);
    impl TypeVisitor for Generics<'_> {
        fn visit<U: TS + 'static + ?Sized>(&mut self) {
            if self.1.is_ok() {
                self.1 = export::<U>(self.0);
            }
        }
    }
    if T::output_path().is_some() {
        return T::export_all(cfg);
    }
    let mut generics = Generics(cfg, Ok(()));
    T::visit_generics(&mut generics);
    generics.1
}
