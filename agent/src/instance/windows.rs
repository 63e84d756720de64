//! Windows specifics of the tray's named pipe. Pipe names are machine-wide, visible to every
//! user and every session, so:
//! - the name carries the user's SID and the session id: one tray per user *per session*
//!   (the same user logged on at the console and over RDP gets two, each on its own desktop);
//! - the pipe's ACL lets only that user open it (no Everyone/Anonymous read that the default
//!   pipe ACL grants), and interprocess already refuses remote clients;
//! - named pipes have no read timeout, so a client that connects and says nothing would hold
//!   the tray's listener forever: every exchange runs under a [`Deadline`] that cancels the
//!   pending read or write when it expires.

use std::io;
use std::os::windows::io::{AsHandle, AsRawHandle};
use std::ptr;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use interprocess::local_socket::Stream;
use interprocess::os::windows::security_descriptor::{
    AsSecurityDescriptorExt, BorrowedSecurityDescriptor, SecurityDescriptor,
};
use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, LocalFree};
use windows_sys::Win32::Security::Authorization::{
    ConvertSidToStringSidW, ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1,
};
use windows_sys::Win32::Security::{
    GetTokenInformation, PSECURITY_DESCRIPTOR, TOKEN_QUERY, TOKEN_USER, TokenUser,
};
use windows_sys::Win32::System::IO::CancelIoEx;
use windows_sys::Win32::System::RemoteDesktop::ProcessIdToSessionId;
use windows_sys::Win32::System::Threading::{
    GetCurrentProcess, GetCurrentProcessId, OpenProcessToken,
};

/// The user this process runs as, as a SID string (`S-1-5-21-…`).
pub fn current_user_sid() -> io::Result<String> {
    // SAFETY: the token handle is closed below; the buffer is sized by the first call and
    // holds a TOKEN_USER whose SID points into the same buffer, read before it is dropped.
    unsafe {
        let mut token: HANDLE = ptr::null_mut();
        if OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) == 0 {
            return Err(io::Error::last_os_error());
        }
        let result = (|| {
            let mut needed = 0u32;
            GetTokenInformation(token, TokenUser, ptr::null_mut(), 0, &mut needed);
            if needed == 0 {
                return Err(io::Error::last_os_error());
            }
            // u64 elements: TOKEN_USER needs pointer alignment.
            let mut buffer = vec![0u64; (needed as usize).div_ceil(8)];
            if GetTokenInformation(
                token,
                TokenUser,
                buffer.as_mut_ptr().cast(),
                needed,
                &mut needed,
            ) == 0
            {
                return Err(io::Error::last_os_error());
            }
            let user = &*buffer.as_ptr().cast::<TOKEN_USER>();
            let mut text: *mut u16 = ptr::null_mut();
            if ConvertSidToStringSidW(user.User.Sid, &mut text) == 0 {
                return Err(io::Error::last_os_error());
            }
            let len = (0..).take_while(|&i| *text.add(i) != 0).count();
            let sid = String::from_utf16_lossy(std::slice::from_raw_parts(text, len));
            LocalFree(text.cast());
            Ok(sid)
        })();
        CloseHandle(token);
        result
    }
}

/// The Terminal Services session this process runs in (0 when it cannot be told).
pub fn session_id() -> u32 {
    let mut session = 0u32;
    // SAFETY: writes one u32.
    if unsafe { ProcessIdToSessionId(GetCurrentProcessId(), &mut session) } == 0 {
        return 0;
    }
    session
}

/// A security descriptor whose DACL lets only `sid` (and nobody else, not even other
/// administrators' processes) open the pipe.
pub fn only_user_may_connect(sid: &str) -> io::Result<SecurityDescriptor> {
    let sddl: Vec<u16> = format!("D:P(A;;GA;;;{sid})\0").encode_utf16().collect();
    let mut descriptor: PSECURITY_DESCRIPTOR = ptr::null_mut();
    // SAFETY: `sddl` is NUL-terminated; the LocalAlloc'd descriptor is copied into an owned
    // one and freed.
    unsafe {
        if ConvertStringSecurityDescriptorToSecurityDescriptorW(
            sddl.as_ptr(),
            SDDL_REVISION_1,
            &mut descriptor,
            ptr::null_mut(),
        ) == 0
        {
            return Err(io::Error::last_os_error());
        }
        let owned = BorrowedSecurityDescriptor::from_ptr(descriptor.cast_const()).to_owned_sd();
        LocalFree(descriptor);
        owned
    }
}

/// Cancels the stream's pending I/O once `after` has passed, unless dropped first: a bound
/// on one exchange. Dropping it before the stream keeps the handle valid while it may cancel.
pub struct Deadline {
    /// `true` once the exchange is over: the watchdog must not touch the handle any more.
    over: Arc<(Mutex<bool>, Condvar)>,
    watchdog: Option<JoinHandle<()>>,
}

impl Deadline {
    /// Starts the watchdog for `stream`.
    pub fn arm(stream: &Stream, after: Duration) -> io::Result<Self> {
        let Stream::NamedPipe(pipe) = stream;
        // The raw handle as a number, to send it to the watchdog thread.
        let handle = pipe.inner().as_handle().as_raw_handle() as usize;
        let over = Arc::new((Mutex::new(false), Condvar::new()));
        let watched = Arc::clone(&over);
        let watchdog = std::thread::Builder::new()
            .name("tray-exchange-deadline".into())
            .spawn(move || {
                let (lock, ended) = &*watched;
                let Ok(guard) = lock.lock() else { return };
                let Ok((guard, _)) = ended.wait_timeout_while(guard, after, |over| !*over) else {
                    return;
                };
                if !*guard {
                    // Still holding the lock: the stream cannot be dropped meanwhile.
                    // SAFETY: the handle is open until `over` is set, which waits for this lock.
                    unsafe { CancelIoEx(handle as HANDLE, ptr::null()) };
                    tracing::warn!(?after, "tray pipe: the other side said nothing in time");
                }
            })?;
        Ok(Self {
            over,
            watchdog: Some(watchdog),
        })
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        let (lock, ended) = &*self.over;
        if let Ok(mut over) = lock.lock() {
            *over = true;
        }
        ended.notify_all();
        if let Some(watchdog) = self.watchdog.take() {
            let _ = watchdog.join();
        }
    }
}
