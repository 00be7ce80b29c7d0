import CNcursesw
import Foundation
import WarRoomUI

#if canImport(Glibc)
    import Glibc
#endif

/// The ncurses screen. Only the terminal thread touches it.
final class Screen {
    private(set) var rows: Int
    private(set) var columns: Int
    private var previous: Grid?
    private var attributes: [Role: (attrs: attr_t, pair: Int16)] = [:]
    private var closed = false
    private var buffer: [wchar_t] = []
    /// Whether the locale can show Unicode; if not, the screen is drawn in ASCII.
    let unicode: Bool

    init(theme: Theme, depth override: ColorDepth? = nil, mouse: Bool = false) {
        setlocale(LC_ALL, "")
        unicode = String(cString: nl_langinfo(nl_item(CODESET))).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
        _ = initscr()
        _ = cbreak()
        _ = noecho()
        _ = nonl()
        _ = keypad(warroom_stdscr(), true)
        _ = nodelay(warroom_stdscr(), true)
        _ = set_escdelay(25)
        _ = curs_set(0)
        // ncurses 6.4 flushes its output after each cursor move until the
        // first endwin() (7 to 10 write() calls a frame, each a wake-up of
        // tmux); once it has been through one, a frame is one write. Left and
        // re-entered at once, before anything is drawn.
        _ = endwin()
        _ = wrefresh(warroom_stdscr())
        rows = Int(warroom_lines())
        columns = Int(warroom_cols())
        setUpColours(theme, override: override)
        if mouse { warroom_enable_wheel() }
    }

    /// The colour depth in use, after detection and any override.
    private(set) var depth: ColorDepth = .mono

    private func setUpColours(_ requested: Theme, override: ColorDepth?) {
        let env = ProcessInfo.processInfo.environment
        var canColour = false
        if has_colors(), requested != .mono {
            canColour = start_color() == OK
            if canColour { _ = use_default_colors() }
        }
        let colours = canColour ? Int(warroom_colors()) : 0
        // NO_COLOR wins over everything; then --colors / WARROOM_COLORS; then what terminfo and COLORTERM say.
        var wanted = ColorDepth.detect(env: env, terminfoColors: colours)
        if let override, !(env["NO_COLOR"].map { !$0.isEmpty } ?? false) { wanted = override }
        // ncurses can only draw what terminfo allows: 24-bit needs a *-direct entry, else it goes through 256.
        let possible: ColorDepth =
            colours >= 1 << 24 ? .truecolor : colours >= 256 ? .indexed256 : colours >= 16 ? .ansi16 : colours >= 8 ? .ansi8 : .mono
        depth = min(wanted, possible)
        let theme = requested.adapted(to: depth)
        for (i, role) in Role.allCases.enumerated() {
            let style = theme.style(role)
            var attrs = warroom_a_normal()
            if style.bold { attrs |= warroom_a_bold() }
            if style.dim { attrs |= warroom_a_dim() }
            if style.reverse { attrs |= warroom_a_reverse() }
            if style.underline { attrs |= warroom_a_underline() }
            var pair: Int16 = 0
            if depth > .mono, style.fg != .default || style.bg != .default, i + 1 < Int(warroom_color_pairs()) {
                pair = Int16(i + 1)
                _ = init_extended_pair(Int32(pair), Self.colour(style.fg), Self.colour(style.bg))
            }
            attributes[role] = (attrs, pair)
        }
    }

    /// ncurses colour number for an already adapted theme colour.
    private static func colour(_ c: TermColor) -> Int32 {
        switch c {
        case .default: -1
        case .ansi(let n), .indexed(let n): Int32(n)
        case .rgb(let r, let g, let b): Int32(r) << 16 | Int32(g) << 8 | Int32(b)  // direct-colour terminals
        }
    }

    func resize() {
        var r: Int32 = 0
        var c: Int32 = 0
        if warroom_winsize(STDOUT_FILENO, &r, &c) == 0, r > 0, c > 0 {
            _ = resizeterm(r, c)
        }
        invalidate()
    }

    /// Forget the last frame so the next draw writes every cell, and have
    /// ncurses clear and repaint the whole terminal: after a burst of resizes
    /// (down to 1x1 and back) the terminal has lost cells that ncurses still
    /// believes are shown, and a diff alone would leave them blank.
    func invalidate() {
        rows = Int(warroom_lines())
        columns = Int(warroom_cols())
        previous = nil
        _ = clearok(warroom_stdscr(), true)
    }

    /// Write the cells that differ from the previous frame, then refresh.
    /// `grid` is kept as the previous frame and replaced by the one before,
    /// whose cells the next render reuses.
    func draw(_ grid: inout Grid) {
        if previous.map({ $0.width != grid.width || $0.height != grid.height }) ?? true {
            _ = werase(warroom_stdscr())
        }
        for run in grid.changes(since: previous) {
            buffer.removeAll(keepingCapacity: true)
            for scalar in run.scalars { buffer.append(wchar_t(bitPattern: scalar.value)) }
            // Never write the bottom-right cell: that scrolls some terminals.
            if run.y == grid.height - 1, run.x + run.width == grid.width, !buffer.isEmpty { buffer.removeLast() }
            let style = attributes[run.role] ?? (warroom_a_normal(), 0)
            buffer.withUnsafeBufferPointer { p in
                _ = warroom_put(Int32(run.y), Int32(run.x), p.baseAddress, Int32(p.count), style.attrs, style.pair)
            }
        }
        _ = wnoutrefresh(warroom_stdscr())
        _ = doupdate()
        let drawn = grid
        grid = previous ?? Grid(width: 0, height: 0)
        previous = drawn
    }

    /// The next key, or nil when none is waiting.
    func readKey() -> Key? {
        var ch: wint_t = 0
        let result = wget_wch(warroom_stdscr(), &ch)
        if result == warroom_err() { return nil }
        if result == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_BACKSPACE: return .backspace
            case KEY_ENTER: return .enter
            case warroom_key_mouse():
                // The wheel scrolls the timeline; nothing else is read from the mouse.
                switch warroom_read_wheel() {
                case -1: return .up
                case 1: return .down
                default: return .unknown(warroom_key_mouse())
                }
            default:
                let code = Int32(ch)
                if code >= KEY_F0 && code <= KEY_F0 + 63 { return .function(Int(code - KEY_F0)) }
                return .unknown(code)
            }
        }
        switch ch {
        case 27: return .escape
        case 10, 13: return .enter
        case 9: return .tab
        case 8, 127: return .backspace
        case 1 ... 26: return .ctrl(Character(Unicode.Scalar(UInt8(ch) + 96)))
        default:
            guard let scalar = Unicode.Scalar(UInt32(ch)) else { return .unknown(Int32(bitPattern: ch)) }
            return .char(Character(scalar))
        }
    }

    /// Leave the alternate screen and give the terminal back as it was.
    /// Ring the bell, or send a desktop notification escape straight to the
    /// terminal (after ncurses has flushed its frame, so they never interleave).
    func signal(_ signal: AttentionSignal, notify: NotifyProtocol) {
        switch signal {
        case .bell:
            _ = beep()
        case .notify(let title, let body):
            let insideTmux = ProcessInfo.processInfo.environment["TMUX"] != nil
            guard let sequence = notify.sequence(title: title, body: body, insideTmux: insideTmux) else { return }
            // ncurses writes through its own buffer, flushed by doupdate(): nothing is pending here.
            var bytes = Array(sequence.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = write(STDOUT_FILENO, &bytes[offset], bytes.count - offset)
                if n <= 0 { if errno == EINTR || errno == EAGAIN { continue } else { break } }
                offset += n
            }
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        _ = curs_set(1)
        _ = endwin()
    }

    deinit { close() }
}
