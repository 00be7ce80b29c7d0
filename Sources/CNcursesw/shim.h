// The only C in warroom: thin wrappers for ncurses macros and mutable globals
// that Swift 6 cannot touch directly, plus an async-signal-safe signal relay.
#ifndef WARROOM_CNCURSESW_SHIM_H
#define WARROOM_CNCURSESW_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <ncursesw/ncurses.h>
#include <locale.h>
#include <signal.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <wchar.h>

static inline WINDOW *warroom_stdscr(void) { return stdscr; }
static inline int warroom_lines(void) { return LINES; }
static inline int warroom_cols(void) { return COLS; }
static inline int warroom_colors(void) { return COLORS; }
static inline int warroom_color_pairs(void) { return COLOR_PAIRS; }
static inline int warroom_err(void) { return ERR; }
static inline int warroom_key_resize(void) { return KEY_RESIZE; }
static inline int warroom_key_mouse(void) { return KEY_MOUSE; }

/// Ask for wheel events only (no clicks, no motion): the mouse stays the
/// terminal's for selecting text everywhere else.
static inline void warroom_enable_wheel(void) {
    mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
}

/// After KEY_MOUSE: -1 wheel up, 1 wheel down, 0 anything else.
static inline int warroom_read_wheel(void) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    if (event.bstate & BUTTON4_PRESSED) return -1;
#ifdef BUTTON5_PRESSED
    if (event.bstate & BUTTON5_PRESSED) return 1;
#endif
    return 0;
}
static inline attr_t warroom_a_bold(void) { return A_BOLD; }
static inline attr_t warroom_a_dim(void) { return A_DIM; }
static inline attr_t warroom_a_reverse(void) { return A_REVERSE; }
static inline attr_t warroom_a_underline(void) { return A_UNDERLINE; }
static inline attr_t warroom_a_normal(void) { return A_NORMAL; }

/// Write a wide string at (y, x) with the given attributes and colour pair.
static inline int warroom_put(int y, int x, const wchar_t *text, int n, attr_t attrs, short pair) {
    if (wmove(stdscr, y, x) == ERR) return ERR;
    wattr_set(stdscr, attrs, pair, NULL);
    return waddnwstr(stdscr, text, n);
}

/// Terminal size from the kernel, for SIGWINCH handling.
static inline int warroom_winsize(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -1;
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return 0;
}

// Signal relay: the handler only writes the signal number to a pipe
// (write(2) is async-signal-safe); the terminal thread reads it in poll().
static int warroom_signal_pipe_fd = -1;

static void warroom_signal_handler(int sig) {
    int saved = errno;
    unsigned char byte = (unsigned char)sig;
    if (warroom_signal_pipe_fd >= 0) {
        ssize_t ignored = write(warroom_signal_pipe_fd, &byte, 1);
        (void)ignored;
    }
    errno = saved;
}

static inline int warroom_install_signal(int sig, int pipe_fd) {
    warroom_signal_pipe_fd = pipe_fd;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = warroom_signal_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    return sigaction(sig, &sa, NULL);
}

/// Unblock the signals the terminal thread handles, whatever mask the
/// process was started with.
static inline int warroom_unblock_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGWINCH);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    return pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

static inline int warroom_default_signal(int sig) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    return sigaction(sig, &sa, NULL);
}

static inline int warroom_ignore_signal(int sig) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    return sigaction(sig, &sa, NULL);
}

#endif
