//! A stack overflow or an abort cannot be caught like a panic: the process dies. So the input
//! being run is published here before each execution, and a `SIGABRT` handler (the standard
//! library aborts after reporting an overflow) writes it to a file with async-signal-safe calls.

use std::{
    ffi::CString,
    sync::{
        OnceLock,
        atomic::{AtomicPtr, AtomicUsize, Ordering},
    },
};

static INPUT: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static LEN: AtomicUsize = AtomicUsize::new(0);
static PATH: OnceLock<CString> = OnceLock::new();

/// Where an aborting input is written; installs the handler once.
pub fn install(path: &std::path::Path) {
    let Ok(path) = CString::new(path.as_os_str().as_encoded_bytes()) else {
        return;
    };
    if PATH.set(path).is_err() {
        return;
    }
    // SAFETY: the handler only reads atomics and a path set before installation, and calls
    // open/write/close/_exit, which are async-signal-safe.
    unsafe {
        let handler: extern "C" fn(libc::c_int) = on_abort;
        libc::signal(libc::SIGABRT, handler as libc::sighandler_t);
    }
}

/// Publishes the input about to run.
pub fn set(input: &[u8]) {
    INPUT.store(input.as_ptr().cast_mut(), Ordering::Release);
    LEN.store(input.len(), Ordering::Release);
}

extern "C" fn on_abort(_: libc::c_int) {
    let Some(path) = PATH.get() else {
        return;
    };
    let ptr = INPUT.load(Ordering::Acquire);
    let len = LEN.load(Ordering::Acquire);
    // SAFETY: `ptr`/`len` describe the input borrowed by the execution that is aborting, which
    // is still alive on its (now dead) thread's stack frames; the calls are async-signal-safe.
    unsafe {
        let fd = libc::open(
            path.as_ptr(),
            libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC,
            0o644,
        );
        if fd >= 0 && !ptr.is_null() {
            libc::write(fd, ptr.cast(), len);
            libc::close(fd);
        }
        let note = b"fuzz: the process aborted; its input was saved\n";
        libc::write(2, note.as_ptr().cast(), note.len());
        libc::_exit(134);
    }
}
