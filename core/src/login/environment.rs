//! The facts `mode = auto` decides from, and the rule itself.

use std::io::IsTerminal;

/// Environment variables whose presence means a hosted notebook, whose kernel runs on a machine the user's
/// browser cannot reach through `localhost`.
pub const HOSTED_NOTEBOOK_VARS: &[&str] = &[
    "COLAB_RELEASE_TAG",
    "COLAB_GPU",
    "KAGGLE_KERNEL_RUN_TYPE",
    "JUPYTERHUB_API_URL",
    "JUPYTERHUB_USER",
    "DATABRICKS_RUNTIME_VERSION",
    "SM_CURRENT_HOST",
    "SAGEMAKER_INTERNAL_IMAGE_URI",
    "SAGEMAKER_DOMAIN_ID",
    "SAGEMAKER_SPACE_NAME",
    "CODESPACES",
    "GITPOD_WORKSPACE_ID",
];

/// Environment variables set inside an SSH session.
pub const SSH_VARS: &[&str] = &["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"];

/// What the automatic mode knows about where it runs.
///
/// [`Environment::detect`] fills it from the process; bindings may override fields they know better
/// (Python sets `notebook_kernel` inside IPython). Fields can be set one by one; build it with
/// [`Environment::detect`] or [`Environment::desktop`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Environment {
    /// An SSH session (`SSH_CONNECTION`, `SSH_CLIENT` or `SSH_TTY` set).
    pub ssh: bool,
    /// A display to open a browser on: `DISPLAY` or `WAYLAND_DISPLAY` on Linux and BSD (or WSL, whose
    /// Windows browser reaches the Linux side's `localhost`); always on macOS and Windows.
    pub display: bool,
    /// `BROWSER` is set: the user chose how browsers open.
    pub browser_env: bool,
    /// A hosted notebook or cloud IDE (Colab, Kaggle, JupyterHub, Databricks, SageMaker, Codespaces, Gitpod).
    pub hosted_notebook: bool,
    /// Running inside a notebook kernel (set by the Python binding). Informational: a local kernel can still
    /// use loopback; a remote one is caught by the other rules.
    pub notebook_kernel: bool,
    /// Standard input is a terminal, so a pasted line can be read while waiting.
    pub stdin_interactive: bool,
}

fn var_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

impl Environment {
    /// Read the facts from this process's environment variables and standard input.
    pub fn detect() -> Self {
        Environment::from_vars(var_set, std::io::stdin().is_terminal())
    }

    /// A local desktop with nothing special: the automatic mode picks loopback.
    pub fn desktop() -> Self {
        Environment {
            ssh: false,
            display: true,
            browser_env: false,
            hosted_notebook: false,
            notebook_kernel: false,
            stdin_interactive: false,
        }
    }

    /// [`Environment::detect`] with the variable lookup supplied (for tests).
    pub(crate) fn from_vars(is_set: impl Fn(&str) -> bool, stdin_interactive: bool) -> Self {
        let display = if cfg!(any(target_os = "macos", windows)) {
            true
        } else {
            is_set("DISPLAY") || is_set("WAYLAND_DISPLAY") || is_set("WSL_DISTRO_NAME")
        };
        Environment {
            ssh: SSH_VARS.iter().any(|v| is_set(v)),
            display,
            browser_env: is_set(crate::browser::ENV_BROWSER),
            hosted_notebook: HOSTED_NOTEBOOK_VARS.iter().any(|v| is_set(v)),
            notebook_kernel: false,
            stdin_interactive,
        }
    }

    /// Why the automatic mode should go headless here, or `None` for loopback.
    ///
    /// The rule, first match wins:
    /// 1. `BROWSER` set → loopback (the user chose a browser command, e.g. one that forwards to their
    ///    machine);
    /// 2. an SSH session → headless (the browser on the user's machine cannot reach this `localhost`);
    /// 3. a hosted or remote notebook → headless (same reason);
    /// 4. no display (Linux/BSD without `DISPLAY`/`WAYLAND_DISPLAY`) → headless;
    /// 5. otherwise loopback. If the browser then fails to open, the login switches to headless too.
    pub fn headless_reason(&self) -> Option<&'static str> {
        if self.browser_env {
            None
        } else if self.ssh {
            Some("this is an SSH session, so a browser on your machine cannot reach this one")
        } else if self.hosted_notebook {
            Some("this is a hosted notebook, so your browser cannot reach its kernel")
        } else if !self.display {
            Some("there is no display to open a browser on")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_with(vars: &[&str]) -> Environment {
        Environment::from_vars(|n| vars.contains(&n), false)
    }

    #[test]
    fn the_rule() {
        let desktop = env_with(&["DISPLAY"]);
        assert_eq!(desktop.headless_reason(), None);
        assert!(env_with(&["DISPLAY", "SSH_CONNECTION"]).headless_reason().unwrap().contains("SSH"));
        assert!(env_with(&["DISPLAY", "SSH_TTY"]).ssh);
        assert!(env_with(&["DISPLAY", "COLAB_RELEASE_TAG"]).headless_reason().unwrap().contains("notebook"));
        for v in HOSTED_NOTEBOOK_VARS {
            assert!(env_with(&[v]).hosted_notebook, "{v}");
        }
        // BROWSER wins over everything.
        assert_eq!(
            env_with(&["SSH_CONNECTION", "BROWSER", "KAGGLE_KERNEL_RUN_TYPE"]).headless_reason(),
            None
        );
        assert_eq!(Environment::desktop().headless_reason(), None);
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn no_display_on_linux_is_headless() {
        assert!(env_with(&[]).headless_reason().unwrap().contains("display"));
        assert!(env_with(&["WAYLAND_DISPLAY"]).display);
        assert!(env_with(&["WSL_DISTRO_NAME"]).display);
    }
}
