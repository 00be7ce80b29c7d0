public import Foundation
public import WarRoomCore

/// The screen's own state (scrolling, filter, what it is doing now) and how
/// keys change it. Pure: the terminal backend owns one and calls `handle` and `render`.
public struct Dashboard: Sendable {
    /// What the screen is doing: one at a time, so a prompt cannot be open
    /// over an armed command, nor help over a quit being confirmed.
    public enum Mode: Sendable, Equatable {
        /// The panes; keys act on them.
        case browsing
        /// The keys overlay; any key closes it.
        case help
        /// A one-line question in the footer.
        case prompt(Prompt)
        /// A command armed: first its reason, then its countdown.
        case armed(Armed)
        /// A quit asked for while an incident is open: another within five seconds quits.
        case confirmingQuit(askedAt: Date)
    }

    /// What the screen may do. Fixed when it is made: no key changes it.
    public enum Access: Sendable, Equatable {
        /// A wallboard or a replay: follows and shows, records nothing, sends
        /// nothing, opens no prompt; the footer lists no keys.
        case view
        /// Records notes and incident changes, sends no commands.
        case record
        /// Records, and sends commands through this panel.
        case command(CommandPanel)

        /// The commands it can arm; nil when none can be sent.
        public var panel: CommandPanel? {
            if case .command(let panel) = self { return panel }
            return nil
        }
    }

    public private(set) var mode: Mode = .browsing
    public let access: Access
    public var scroll = 0
    public var filter: TimelineEntry.Kind?
    public var flash: Flash?
    public var glyphs: Glyphs
    public var timeZone: TimeZone

    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public init(access: Access = .record, glyphs: Glyphs = .unicode, timeZone: TimeZone = .current) {
        self.access = access
        self.glyphs = glyphs
        self.timeZone = timeZone
    }

    /// Which keys do what (the defaults, or as the config rebinds them).
    public var keyMap = KeyMap.standard
    /// How many tmux clients watch this screen, when inside tmux.
    public var viewers: Viewers?
    /// A wallboard: a large banner over the panes, readable across the room.
    public var distance = false
    /// Another commander asking for this war room (`run --take-over`).
    public var takeOverRequest: TakeOverRequest?

    /// The armed command, if that is the mode.
    public var armed: Armed? {
        if case .armed(let armed) = mode { return armed }
        return nil
    }

    /// The open prompt, if that is the mode.
    public var prompt: Prompt? {
        if case .prompt(let prompt) = mode { return prompt }
        return nil
    }

    private var isReadOnly: Bool { access == .view }

    static let filters: [TimelineEntry.Kind?] = [nil, .note, .incident, .threshold, .alert, .command, .canary, .source]

    /// A quit (q or Ctrl-C): at once, unless an incident is open on a screen that
    /// can act on it; then a second one within five seconds. Asked in the middle
    /// of a prompt or an armed command (Ctrl-C is a signal, whatever the mode),
    /// it drops them: nothing is sent.
    public mutating func requestQuit(state: WarRoomState?, now: Date) -> Intent? {
        guard !isReadOnly, let incident = state?.incident, incident.isOpen else { return .quit }
        if case .confirmingQuit(let asked) = mode, now.timeIntervalSince(asked) <= 5 { return .quit }
        var dropped = ""
        if let armed { dropped = "\(armed.what) aborted: nothing was sent · " }
        mode = .confirmingQuit(askedAt: now)
        flash = Flash(
            text: dropped
                + "incident #\(incident.number) is open: press \(keyMap.label(.quit).split(separator: " ").first ?? "q") or Ctrl-C again within 5 s to quit, any other key stays",
            isError: true, until: now + 5)
        return nil
    }

    /// Apply a key to the screen as it shows `showing`. Until the journal has
    /// been read to its end only keys that change nothing work (quit, help,
    /// scrolling): a decision needs the state that is still being read.
    public mutating func handle(_ key: Key, showing: Showing?, now: Date = Date()) -> Intent? {
        if case .live(let snapshot) = showing { return handle(key, state: snapshot.state, now: now) }
        if key != .ctrl("c"), let action = keyMap.action(for: key), !action.isViewOnly {
            flash = Flash(
                text: "still reading the journal: nothing can be recorded or sent until it is read to its end",
                isError: true, until: now + 4)
            return nil
        }
        return handle(key, state: nil, now: now)
    }

    /// Apply a key; returns the intent it carries for the app, if any.
    /// `state` and `now` let command keys check what is possible.
    public mutating func handle(_ key: Key, state: WarRoomState? = nil, now: Date = Date()) -> Intent? {
        switch mode {
        case .armed(let armed): return handleArmed(armed, key: key, now: now)
        case .prompt(let prompt): return handlePrompt(prompt, key: key, state: state, now: now)
        case .browsing, .help, .confirmingQuit: break
        }
        let action = keyMap.action(for: key)
        if key == .ctrl("c") { return requestQuit(state: state, now: now) }
        if case .confirmingQuit = mode, action != .quit {
            mode = .browsing
            flash = Flash(text: "still here", isError: false, until: now + 2)
            return nil
        }
        if mode == .help, action != .quit {
            mode = .browsing
            return nil
        }
        guard let action else {
            if isReadOnly, case .char = key {
                flash = Flash(text: "read-only: this screen cannot record or send anything", isError: true, until: now + 4)
            }
            return nil
        }
        if isReadOnly && !action.isViewOnly {
            flash = Flash(text: "read-only: this screen cannot record or send anything", isError: true, until: now + 4)
            return nil
        }
        switch action {
        case .quit: return requestQuit(state: state, now: now)
        case .help: mode = .help
        case .note: mode = .prompt(Prompt(.note))
        case .declare: mode = .prompt(Prompt(.declareTitle))
        case .status: mode = .prompt(Prompt(.status))
        case .severity: mode = .prompt(Prompt(.severity))
        case .role: mode = .prompt(Prompt(.role))
        case .pin: return .pinMetrics
        case .acknowledge: return .acknowledge
        case .rollback: arm(.rollback, state: state, now: now)
        case .start:
            if let why = access.panel == nil ? CommandRefusal.readOnly : state?.startRefusal {
                flash = Flash(text: why.text, isError: true, until: now + 5)
            } else if let first = state?.plan.steps.first {
                mode = .armed(Armed(.startLaunch(firstStep: first.weight), armedAt: now))
            }
        case .override:
            if let why = access.panel == nil ? CommandRefusal.readOnly : state?.overrideRefusal(at: now) {
                flash = Flash(text: why.text, isError: true, until: now + 5)
            } else if let state {
                mode = .armed(Armed(.overrideHolds(state.blockingHolds(at: now).filter(\.canOverride)), armedAt: now))
            }
        case .traffic:
            if commandRefusal(nil, state: state, now: now) == nil { mode = .prompt(Prompt(.trafficPercent)) }
        case .promote:
            if let target = state?.promotionTarget(full: false) {
                arm(.promote(percent: target), state: state, now: now)
            } else {
                flash = Flash(text: "no next step to promote to", isError: true, until: now + 5)
            }
        case .promoteFull: arm(.promote(percent: 100), state: state, now: now)
        case .pause: arm(.pause, state: state, now: now)
        case .resume: arm(.resume, state: state, now: now)
        case .handOver:
            if takeOverRequest != nil { return .handOver }
            flash = Flash(text: "nobody is asking for command (they would run `warroom run --take-over`)", isError: true, until: now + 5)
        case .filter: cycleFilter()
        case .scrollDown: scroll += 1
        case .scrollUp: scroll = max(0, scroll - 1)
        case .pageDown: scroll += 10
        case .pageUp: scroll = max(0, scroll - 10)
        case .newest: scroll = 0
        }
        return nil
    }

    private mutating func cycleFilter() {
        let i = Self.filters.firstIndex { $0 == filter } ?? 0
        filter = Self.filters[(i + 1) % Self.filters.count]
        scroll = 0
    }

    /// Why no command can be armed now (read-only, one in flight, not possible).
    private mutating func commandRefusal(_ action: CommandAction?, state: WarRoomState?, now: Date) -> String? {
        var why: String?
        if access.panel == nil {
            why = "read-only: this screen cannot send commands"
        } else if let state, let action {
            why = state.refusal(of: action, at: now)?.text
        } else if let state, let busy = state.commandsInFlight.values.min(by: { $0.id < $1.id }) {
            why = CommandRefusal.inFlight(busy.action).text
        }
        if let why { flash = Flash(text: why, isError: true, until: now + 5) }
        return why
    }

    private mutating func arm(_ action: CommandAction, state: WarRoomState?, now: Date) {
        guard commandRefusal(action, state: state, now: now) == nil else { return }
        mode = .armed(Armed(action: action, armedAt: now))
    }

    private mutating func handleArmed(_ armed: Armed, key: Key, now: Date) -> Intent? {
        var a = armed
        if key == .escape || key == .ctrl("g") {
            mode = .browsing
            flash = Flash(text: "\(a.what) aborted: nothing was sent", isError: false, until: now + 4)
            return nil
        }
        guard a.firesAt == nil else { return nil }  // counting down: only Esc matters; repeats never fire twice
        switch key {
        case .char(let c):
            if NoteRules.length(of: a.reason) + c.unicodeScalars.count <= NoteRules.maxLength { a.reason.append(c) }
        case .backspace:
            if !a.reason.isEmpty { a.reason.removeLast() }
        case .enter:
            let reason = a.reason.trimmingCharacters(in: .whitespaces)
            guard NoteRules.problem(with: reason) == nil else {
                flash = Flash(text: "a reason is required (one line, what and why)", isError: true, until: now + 4)
                return nil
            }
            if let problem = ReasonRules.problem(with: reason) {
                flash = Flash(text: problem.text, isError: true, until: now + 4)
                return nil
            }
            a.reason = reason
            if a.what.countsDown, let window = access.panel?.abortWindow, window > 0 {
                a.firesAt = now + window
            } else {
                mode = .browsing
                return a.intent(reason: reason)
            }
        default:
            break
        }
        mode = .armed(a)
        return nil
    }

    /// Time passing: an armed command whose countdown ran out is sent, once.
    public mutating func tick(now: Date) -> Intent? {
        guard let a = armed, let fires = a.firesAt, now >= fires else { return nil }
        mode = .browsing
        return a.intent(reason: a.reason)
    }

    private mutating func handlePrompt(_ prompt: Prompt, key: Key, state: WarRoomState?, now: Date) -> Intent? {
        var p = prompt
        if key == .escape || key == .ctrl("g") {
            mode = .browsing
            return nil
        }
        if p.choices != nil {
            guard case .char(let c) = key, let choice = p.choice(for: c) else { return nil }
            return follow(choice.next, state: state, now: now)
        }
        switch key {
        case .char(let c):
            if NoteRules.length(of: p.text) + c.unicodeScalars.count <= NoteRules.maxLength { p.text.append(c) }
        case .backspace:
            if !p.text.isEmpty { p.text.removeLast() }
        case .ctrl("u"):
            p.text = ""
        case .enter:
            return follow(p.answer, state: state, now: now)
        default:
            break
        }
        mode = .prompt(p)
        return nil
    }

    /// Leave the prompt for where its answer leads.
    private mutating func follow(_ next: Prompt.Next, state: WarRoomState?, now: Date) -> Intent? {
        mode = .browsing
        switch next {
        case .send(let intent): return intent
        case .ask(let prompt): mode = .prompt(prompt)
        case .arm(let action): arm(action, state: state, now: now)
        case .refuse(let why): flash = Flash(text: why, isError: true, until: now + 5)
        case .close: break
        }
        return nil
    }

    /// Render the whole screen for a snapshot at a moment.
    public func render(_ snapshot: Snapshot, now: Date, width: Int, height: Int) -> Grid {
        render(.live(snapshot), now: now, width: width, height: height)
    }

    /// Render what the screen shows: the live state, or how far loading has got
    /// (nil: nothing read yet, which is loading too).
    public func render(_ showing: Showing?, now: Date, width: Int, height: Int) -> Grid {
        var grid = Grid(width: 0, height: 0)
        render(showing, now: now, width: width, height: height, into: &grid)
        return grid
    }

    public func render(_ snapshot: Snapshot, now: Date, width: Int, height: Int, into grid: inout Grid) {
        render(.live(snapshot), now: now, width: width, height: height, into: &grid)
    }

    /// The same frame drawn into `grid`, reusing its cells when its size is
    /// right: the terminal keeps two grids and allocates none per frame.
    /// Until the journal has been read to its end (`.loading`, or nothing
    /// posted yet) the screen shows only that it is loading: no severity, no
    /// incident, no panes, since what is folded so far is not the present.
    public func render(_ showing: Showing?, now: Date, width: Int, height: Int, into grid: inout Grid) {
        if grid.width == max(0, width), grid.height == max(0, height) {
            grid.clear()
        } else {
            grid = Grid(width: width, height: height)
        }
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else {
            TooSmall(width: width, height: height).render(into: &grid)
            return
        }
        let (headerRow, rest) = grid.bounds.splitTop(1)
        let body = Rect(x: rest.x, y: rest.y, width: rest.width, height: rest.height - 1)
        let footerRow = Rect(x: 0, y: height - 1, width: width, height: 1)
        guard case .live(let snapshot) = showing else {
            let loading = showing?.loading
            let screen = LoadingScreen(
                loading: loading, label: isReadOnly ? "READ-ONLY" : nil, now: now, glyphs: glyphs,
                timeZone: timeZone, viewers: viewers)
            screen.renderHeader(in: headerRow, into: &grid)
            screen.renderBody(in: body, into: &grid)
            renderFooter(nil, now: now, in: footerRow, into: &grid)
            if mode == .help {
                HelpOverlay(
                    glyphs: glyphs, keyMap: keyMap, readOnly: isReadOnly,
                    breakGlass: access.panel.map { CommandSpec.breakGlass(in: $0.specs, service: $0.service, by: $0.user) }
                )
                .render(in: body, into: &grid)
            }
            return
        }
        let context = ViewContext(state: snapshot.state, now: now, glyphs: glyphs, timeZone: timeZone)
        Header(
            context: context, waiting: false, label: snapshot.label ?? (isReadOnly ? "READ-ONLY" : nil), viewers: viewers,
            noCommanderSince: snapshot.commander?.noCommanderSince(now: now, watchingSince: snapshot.publishedAt)
        )
        .render(in: headerRow, into: &grid)
        renderFooter(snapshot, now: now, in: footerRow, into: &grid)

        var panes = body
        if distance, body.height >= Dashboard.minimumHeight - 2 + Banner.height {
            let (top, rest) = body.splitTop(Banner.height)
            Banner(context).render(in: top, into: &grid)
            panes = rest
        }
        let layout = Layout(panes)
        MetricsPane(context).render(in: layout.metrics, into: &grid)
        CanaryPane(context).render(in: layout.canary, into: &grid)
        TimelinePane(context, scroll: scroll, filter: filter).render(in: layout.timeline, into: &grid)
        RosterPane(context).render(in: layout.roster, into: &grid)
        if mode == .help {
            // Break glass: the manual rollback, for when warroom itself is down.
            let manual =
                access.panel.map { CommandSpec.breakGlass(in: $0.specs, service: $0.service, by: $0.user) } ?? context.state.session?.breakGlass
            HelpOverlay(glyphs: glyphs, keyMap: keyMap, readOnly: isReadOnly, breakGlass: manual).render(in: body, into: &grid)
        }
        if let armed, let panel = access.panel {
            ArmedOverlay(armed: armed, panel: panel, state: context.state, now: now, glyphs: glyphs).render(in: body, into: &grid)
        }
    }

    private func renderFooter(_ snapshot: Snapshot?, now: Date, in footerRow: Rect, into grid: inout Grid) {
        if let prompt {
            PromptLine(prompt: prompt).render(in: footerRow, into: &grid)
        } else if let flash, flash.until > now {
            grid.fill(footerRow, role: flash.isError ? .danger : .footer)
            grid.put(" " + flash.text, in: footerRow, role: flash.isError ? .danger : .footerKey)
        } else if let request = takeOverRequest, !isReadOnly {
            grid.fill(footerRow, role: .danger)
            grid.put(
                " ⚑ \(request.by.name) asks for command: \(request.reason) · \(keyMap.label(.handOver).split(separator: " ").first ?? "H") hands it over and closes this screen",
                in: footerRow, role: .danger)
        } else if isReadOnly, let since = snapshot?.commander?.noCommanderSince(now: now, watchingSince: snapshot?.publishedAt ?? now) {
            grid.fill(footerRow, role: .danger)
            grid.put(
                " ✖ NO COMMANDER since \(Format.wallTime(since)) UTC: no warroom runs this war room; nothing is stepped, sent or paged",
                in: footerRow, role: .danger)
        } else if isReadOnly {
            grid.fill(footerRow, role: .footer)
            grid.put(" READ-ONLY: following the journal; no key changes anything", in: footerRow, role: .footer)
        } else {
            Footer(keyMap: keyMap).render(in: footerRow, into: &grid)
        }
    }
}
