//! The Windows GUI-subsystem binary has no console; attach to the one it was started from so
//! `--version`, `doctor` and the other headless subcommands can print.
//!
//! `AttachConsole` alone is not enough: a GUI process starts with no standard handles, and
//! attaching does not give it any, so Rust's `stdout()`/`stderr()` (which ask `GetStdHandle`
//! on every write) would still write nowhere. After attaching, every standard output handle
//! that is missing is pointed at the console's `CONOUT$`. Handles the parent did give us (a
//! redirect to a file or a pipe, `| more`, a script capturing output) are kept.
//!
//! `cmd.exe` does not wait for a GUI program, so its prompt may come back before the output;
//! `start /wait ppdesk-agent.exe doctor` waits.

/// Attaches stdout/stderr to the parent process's console, when there is one (Windows only).
pub fn attach_to_parent() {
    #[cfg(windows)]
    windows::attach_to_parent();
}

#[cfg(windows)]
mod windows {
    use std::ptr;

    use windows_sys::Win32::Foundation::{
        GENERIC_READ, GENERIC_WRITE, HANDLE, INVALID_HANDLE_VALUE,
    };
    use windows_sys::Win32::Storage::FileSystem::{
        CreateFileW, FILE_SHARE_READ, FILE_SHARE_WRITE, FILE_TYPE_UNKNOWN, GetFileType,
        OPEN_EXISTING,
    };
    use windows_sys::Win32::System::Console::{
        ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_ERROR_HANDLE, STD_HANDLE,
        STD_OUTPUT_HANDLE, SetStdHandle,
    };

    pub fn attach_to_parent() {
        // SAFETY: plain Win32 calls on handles owned by this process; a failure leaves the
        // standard handles as they were (the program then prints nowhere, as before).
        unsafe {
            let redirected = |id: STD_HANDLE| usable(GetStdHandle(id));
            if redirected(STD_OUTPUT_HANDLE) && redirected(STD_ERROR_HANDLE) {
                // Both already go somewhere (a file, a pipe, Wine's terminal): nothing to do.
                return;
            }
            if AttachConsole(ATTACH_PARENT_PROCESS) == 0 {
                // Started from Explorer, the Run key or msiexec: no console to print to.
                return;
            }
            let mut console: Option<HANDLE> = None;
            for id in [STD_OUTPUT_HANDLE, STD_ERROR_HANDLE] {
                if redirected(id) {
                    continue;
                }
                let handle = *console.get_or_insert_with(|| open_console_output());
                if usable(handle) {
                    SetStdHandle(id, handle);
                }
            }
        }
    }

    /// Whether a standard handle leads somewhere (a console, a file, a pipe).
    unsafe fn usable(handle: HANDLE) -> bool {
        // SAFETY: GetFileType accepts any value and reports FILE_TYPE_UNKNOWN for non-handles.
        !handle.is_null()
            && handle != INVALID_HANDLE_VALUE
            && unsafe { GetFileType(handle) } != FILE_TYPE_UNKNOWN
    }

    /// The attached console's screen buffer, opened for writing; kept open for the process's
    /// whole life (it is the standard output from now on).
    unsafe fn open_console_output() -> HANDLE {
        let name: Vec<u16> = "CONOUT$\0".encode_utf16().collect();
        // SAFETY: `name` is NUL-terminated; no security attributes or template.
        unsafe {
            CreateFileW(
                name.as_ptr(),
                GENERIC_READ | GENERIC_WRITE,
                FILE_SHARE_READ | FILE_SHARE_WRITE,
                ptr::null(),
                OPEN_EXISTING,
                0,
                ptr::null_mut(),
            )
        }
    }
}
