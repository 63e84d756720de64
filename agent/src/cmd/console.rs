//! The Windows GUI-subsystem binary has no console; attach to the one it was started from so
//! `--version`, `doctor` and the other headless subcommands can print.

/// Attaches stdout/stderr to the parent process's console, when there is one (Windows only).
pub fn attach_to_parent() {
    #[cfg(windows)]
    {
        // SAFETY: AttachConsole has no preconditions; failure (no parent console) is harmless.
        unsafe {
            windows_sys::Win32::System::Console::AttachConsole(
                windows_sys::Win32::System::Console::ATTACH_PARENT_PROCESS,
            );
        }
    }
}
