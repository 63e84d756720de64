//! Windows: who may change the machine-wide config, and the MSI's memory of the token.
//!
//! - The folder `%ProgramData%\ppdesk\agent` and the file get a protected ACL (nothing inherited
//!   from `%ProgramData%`, whose default lets every user create files in new subfolders):
//!   SYSTEM and Administrators full control, Users read. The folder is also given to
//!   Administrators, in case a user created it first.
//! - The organisation token is remembered for upgrades in
//!   `HKLM\Software\ppdesk\Agent\Installer` `OrgToken`, a key only SYSTEM and Administrators
//!   can open, which the MSI reads back (RegistrySearch) before the old version is removed.
//!   The other four values are in the MSI's own registry values, readable by everyone; the
//!   token is kept out of those (and so out of the MSI's registry logging).

use std::ffi::OsStr;
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::path::Path;
use std::ptr;

use anyhow::Context as _;
use windows_sys::Win32::Foundation::{ERROR_FILE_NOT_FOUND, LocalFree};
use windows_sys::Win32::Security::Authorization::{
    ConvertStringSecurityDescriptorToSecurityDescriptorW, SDDL_REVISION_1, SE_FILE_OBJECT,
    SetNamedSecurityInfoW,
};
use windows_sys::Win32::Security::{
    ACL, DACL_SECURITY_INFORMATION, GetSecurityDescriptorDacl, GetSecurityDescriptorOwner,
    OBJECT_SECURITY_INFORMATION, OWNER_SECURITY_INFORMATION, PROTECTED_DACL_SECURITY_INFORMATION,
    PSECURITY_DESCRIPTOR, PSID, SECURITY_ATTRIBUTES,
};
use windows_sys::Win32::Storage::FileSystem::WRITE_DAC;
use windows_sys::Win32::System::Registry::{
    HKEY, HKEY_LOCAL_MACHINE, KEY_SET_VALUE, KEY_WOW64_64KEY, REG_OPTION_NON_VOLATILE, REG_SZ,
    RegCloseKey, RegCreateKeyExW, RegDeleteKeyExW, RegDeleteValueW, RegSetKeySecurity,
    RegSetValueExW,
};

/// Owner Administrators; SYSTEM and Administrators full control, Users read and list; the
/// entries are inherited by what is created inside (OICI); nothing from above (P).
const FOLDER_SDDL: &str = "O:BAD:PAI(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;0x1200a9;;;BU)";
/// The same for the file alone: Users read.
const FILE_SDDL: &str = "D:PAI(A;;FA;;;SY)(A;;FA;;;BA)(A;;FR;;;BU)";
/// The token's key: SYSTEM and Administrators only.
const TOKEN_KEY_SDDL: &str = "D:PAI(A;OICI;KA;;;SY)(A;OICI;KA;;;BA)";
/// Under HKLM, in the 64-bit view; the MSI's RegistrySearch reads the same place.
const TOKEN_KEY: &str = r"Software\ppdesk\Agent\Installer";
const TOKEN_VALUE: &str = "OrgToken";

/// Protects our folder in `%ProgramData%` (see the module docs).
pub fn protect_folder(folder: &Path) -> anyhow::Result<()> {
    apply(folder, FOLDER_SDDL)
        .with_context(|| format!("cannot set who may change {}", folder.display()))
}

/// Protects the config file itself.
pub fn protect_file(file: &Path) -> anyhow::Result<()> {
    apply(file, FILE_SDDL).with_context(|| format!("cannot set who may change {}", file.display()))
}

/// Remembers `token` for the next upgrade, or forgets it when the config has none.
pub fn remember_token(token: Option<&str>) -> anyhow::Result<()> {
    let descriptor = Descriptor::from_sddl(TOKEN_KEY_SDDL)
        .context("cannot build the token key's security descriptor")?;
    let attributes = SECURITY_ATTRIBUTES {
        nLength: size_of::<SECURITY_ATTRIBUTES>() as u32,
        lpSecurityDescriptor: descriptor.0,
        bInheritHandle: 0,
    };
    let name = wide(OsStr::new(TOKEN_KEY));
    let value_name = wide(OsStr::new(TOKEN_VALUE));
    let mut key: HKEY = ptr::null_mut();
    // SAFETY: NUL-terminated names, a valid descriptor that outlives the calls, a key handle
    // closed below.
    unsafe {
        status(RegCreateKeyExW(
            HKEY_LOCAL_MACHINE,
            name.as_ptr(),
            0,
            ptr::null(),
            REG_OPTION_NON_VOLATILE,
            KEY_SET_VALUE | KEY_WOW64_64KEY | WRITE_DAC,
            &attributes,
            &mut key,
            ptr::null_mut(),
        ))
        .with_context(|| format!(r"cannot open HKLM\{TOKEN_KEY}"))?;
        let result = (|| {
            // The key may predate this version: its ACL is set every time.
            status(RegSetKeySecurity(
                key,
                DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                descriptor.0,
            ))
            .with_context(|| format!(r"cannot restrict HKLM\{TOKEN_KEY}"))?;
            match token {
                Some(token) => {
                    let data: Vec<u16> = token.encode_utf16().chain(std::iter::once(0)).collect();
                    status(RegSetValueExW(
                        key,
                        value_name.as_ptr(),
                        0,
                        REG_SZ,
                        data.as_ptr().cast(),
                        (data.len() * 2) as u32,
                    ))
                    .with_context(|| format!(r"cannot write HKLM\{TOKEN_KEY}\{TOKEN_VALUE}"))
                }
                None => match RegDeleteValueW(key, value_name.as_ptr()) {
                    0 | ERROR_FILE_NOT_FOUND => Ok(()),
                    code => Err(io::Error::from_raw_os_error(code as i32))
                        .with_context(|| format!(r"cannot delete HKLM\{TOKEN_KEY}\{TOKEN_VALUE}")),
                },
            }
        })();
        RegCloseKey(key);
        result
    }
}

/// Forgets the token (uninstall).
pub fn forget_token() -> anyhow::Result<()> {
    let name = wide(OsStr::new(TOKEN_KEY));
    // SAFETY: a NUL-terminated name.
    match unsafe { RegDeleteKeyExW(HKEY_LOCAL_MACHINE, name.as_ptr(), KEY_WOW64_64KEY, 0) } {
        0 | ERROR_FILE_NOT_FOUND => Ok(()),
        code => Err(io::Error::from_raw_os_error(code as i32))
            .with_context(|| format!(r"cannot delete HKLM\{TOKEN_KEY}")),
    }
}

/// Sets the owner (when the SDDL has one) and the protected DACL of `path` from `sddl`.
fn apply(path: &Path, sddl: &str) -> io::Result<()> {
    let descriptor = Descriptor::from_sddl(sddl)?;
    let target = wide(path.as_os_str());
    let mut present = 0;
    let mut defaulted = 0;
    let mut dacl: *mut ACL = ptr::null_mut();
    let mut owner: PSID = ptr::null_mut();
    // SAFETY: the descriptor is valid for the whole block; DACL and owner point into it.
    unsafe {
        if GetSecurityDescriptorDacl(descriptor.0, &mut present, &mut dacl, &mut defaulted) == 0 {
            return Err(io::Error::last_os_error());
        }
        if GetSecurityDescriptorOwner(descriptor.0, &mut owner, &mut defaulted) == 0 {
            return Err(io::Error::last_os_error());
        }
        let mut what: OBJECT_SECURITY_INFORMATION =
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION;
        if !owner.is_null() {
            what |= OWNER_SECURITY_INFORMATION;
        }
        status(SetNamedSecurityInfoW(
            target.as_ptr(),
            SE_FILE_OBJECT,
            what,
            owner,
            ptr::null_mut(),
            dacl,
            ptr::null(),
        ))
    }
}

/// A security descriptor parsed from SDDL, freed on drop.
struct Descriptor(PSECURITY_DESCRIPTOR);

impl Descriptor {
    fn from_sddl(sddl: &str) -> io::Result<Self> {
        let sddl = wide(OsStr::new(sddl));
        let mut descriptor: PSECURITY_DESCRIPTOR = ptr::null_mut();
        // SAFETY: `sddl` is NUL-terminated; on success the descriptor is LocalAlloc'd.
        let converted = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                sddl.as_ptr(),
                SDDL_REVISION_1,
                &mut descriptor,
                ptr::null_mut(),
            )
        };
        if converted == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Self(descriptor))
    }
}

impl Drop for Descriptor {
    fn drop(&mut self) {
        // SAFETY: allocated by ConvertStringSecurityDescriptorToSecurityDescriptorW.
        unsafe { LocalFree(self.0) };
    }
}

/// A Win32 status code as a result.
fn status(code: u32) -> io::Result<()> {
    if code == 0 {
        Ok(())
    } else {
        Err(io::Error::from_raw_os_error(code as i32))
    }
}

/// `text` as a NUL-terminated UTF-16 string.
fn wide(text: &OsStr) -> Vec<u16> {
    text.encode_wide().chain(std::iter::once(0)).collect()
}
