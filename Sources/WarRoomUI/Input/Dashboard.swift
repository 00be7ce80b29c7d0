import Foundation
import WarRoomCore

/// A one-line question at the bottom of the screen.
public struct Prompt: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case note
        case declareTitle
        case declareSeverity(title: String)
        case severity
        case status
        case role
        case rolePerson(IncidentRole)
        case trafficPercent
    }
    public var kind: Kind
    public var text = ""

    public init(_ kind: Kind) { self.kind = kind }

    /// Single-key choices; nil for free text.
    public var choices: [(key: Character, label: String)]? {
        switch kind {
        case .declareSeverity, .severity:
            // The runbooks' meanings, in a word each.
            return [("1", "SEV-1 critical"), ("2", "SEV-2 high"), ("3", "SEV-3 medium"), ("4", "SEV-4 low")]
        case .status:
            return [("i", "Investigating"), ("d", "Identified"), ("m", "Monitoring"), ("r", "Resolved")]
        case .role:
            return [("c", "Incident commander"), ("t", "Tech lead"), ("o", "Communications lead"), ("s", "Scribe")]
        default:
            return nil
        }
    }

    public var label: String {
        switch kind {
        case .note: "Note"
        case .declareTitle: "Declare incident, title"
        case .declareSeverity(let title): "Severity of \"\(TextWidth.truncate(title, to: 30))\""
        case .severity: "Set severity"
        case .status: "Set status"
        case .role: "Assign role"
        case .rolePerson(let role): "\(role.label) is"
        case .trafficPercent: "Set canary traffic to (percent)"
        }
    }
}

/// A short message in the footer: what just happened, or why it could not.
public struct Flash: Sendable, Equatable {
    public var text: String
    public var isError: Bool
    public var until: Date
    public init(text: String, isError: Bool, until: Date) {
        self.text = text
        self.isError = isError
        self.until = until
    }
}

/// The screen's own state (scrolling, filter, prompts, overlays) and how keys
/// change it. Pure: the terminal backend owns one and calls `handle` and `render`.
public struct Dashboard: Sendable {
    public var scroll = 0
    public var showHelp = false
    public var prompt: Prompt?
    public var filter: TimelineEntry.Kind?
    public var flash: Flash?
    public var armed: Armed?
    /// nil on read-only screens: no key can reach a command.
    public var commands: CommandPanel?
    /// A wallboard or replay: no prompts open, the footer lists no keys.
    public var readOnly = false
    public var glyphs: Glyphs
    public var timeZone: TimeZone

    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public init(commands: CommandPanel? = nil, glyphs: Glyphs = .unicode, timeZone: TimeZone = .current) {
        self.commands = commands
        self.glyphs = glyphs
        self.timeZone = timeZone
    }

    /// Which keys do what (the defaults, or as the config rebinds them).
    public var keyMap = KeyMap.standard
    /// Set when a quit was asked for while an incident is open: a second one within the window quits.
    public var quitAsked: Date?
    /// How many tmux clients watch this screen, when inside tmux.
    public var viewers: Viewers?
    /// A wallboard: a large banner over the panes, readable across the room.
    public var distance = false
    /// Another commander asking for this war room (`run --take-over`).
    public var takeOverRequest: TakeOverRequest?

    static let filters: [TimelineEntry.Kind?] = [nil, .note, .incident, .threshold, .alert, .command, .canary, .source]

    /// A quit (q or Ctrl-C): at once, unless an incident is open on a screen that
    /// can act on it; then a second one within five seconds.
    public mutating func requestQuit(state: WarRoomState?, now: Date) -> Intent? {
        guard !readOnly, let incident = state?.incident, incident.isOpen else { return .quit }
        if let asked = quitAsked, now.timeIntervalSince(asked) <= 5 { return .quit }
        quitAsked = now
        flash = Flash(text: "incident #\(incident.number) is open: press \(keyMap.label(.quit).split(separator: " ").first ?? "q") or Ctrl-C again within 5 s to quit, any other key stays",
                      isError: true, until: now + 5)
        return nil
    }

    /// Apply a key to the screen as it shows `showing`. Until the journal has
    /// been read to its end only keys that change nothing work (quit, help,
    /// scrolling): a decision needs the state that is still being read.
    public mutating func handle(_ key: Key, showing: Showing?, now: Date = Date()) -> Intent? {
        if case .live(let snapshot) = showing { return handle(key, state: snapshot.state, now: now) }
        if key != .ctrl("c"), let action = keyMap.action(for: key), !action.isViewOnly {
            flash = Flash(text: "still reading the journal: nothing can be recorded or sent until it is read to its end",
                          isError: true, until: now + 4)
            return nil
        }
        return handle(key, state: nil, now: now)
    }

    /// Apply a key; returns the intent it carries for the app, if any.
    /// `state` and `now` let command keys check what is possible.
    public mutating func handle(_ key: Key, state: WarRoomState? = nil, now: Date = Date()) -> Intent? {
        if armed != nil { return handleArmed(key, now: now) }
        if prompt != nil {
            if case .trafficPercent = prompt?.kind, key == .enter {
                let text = prompt?.text.trimmingCharacters(in: CharacterSet(charactersIn: " %")) ?? ""
                prompt = nil
                guard let p = Double(text), p.isFinite, (0 ... 100).contains(p) else {
                    flash = Flash(text: "traffic must be a percent from 0 to 100, got '\(text)'", isError: true, until: now + 5)
                    return nil
                }
                arm(.setTraffic(percent: p), state: state, now: now)
                return nil
            }
            return handlePrompt(key)
        }
        let action = keyMap.action(for: key)
        if key == .ctrl("c") { return requestQuit(state: state, now: now) }
        if quitAsked != nil, action != .quit {
            quitAsked = nil
            flash = Flash(text: "still here", isError: false, until: now + 2)
            return nil
        }
        if showHelp, action != .quit {
            showHelp = false
            return nil
        }
        guard let action else {
            if readOnly, case .char = key { flash = Flash(text: "read-only: this screen cannot record or send anything", isError: true, until: now + 4) }
            return nil
        }
        if readOnly && !action.isViewOnly {
            flash = Flash(text: "read-only: this screen cannot record or send anything", isError: true, until: now + 4)
            return nil
        }
        switch action {
        case .quit: return requestQuit(state: state, now: now)
        case .help: showHelp = true
        case .note: prompt = Prompt(.note)
        case .declare: prompt = Prompt(.declareTitle)
        case .status: prompt = Prompt(.status)
        case .severity: prompt = Prompt(.severity)
        case .role: prompt = Prompt(.role)
        case .pin: return .pinMetrics
        case .acknowledge: return .acknowledge
        case .rollback: arm(.rollback, state: state, now: now)
        case .start:
            if let why = commands == nil ? CommandRefusal.readOnly : state?.startRefusal {
                flash = Flash(text: why.text, isError: true, until: now + 5)
            } else if let first = state?.plan.steps.first {
                armed = Armed(.startLaunch(firstStep: first.weight), armedAt: now)
            }
        case .override:
            if let why = commands == nil ? CommandRefusal.readOnly : state?.overrideRefusal(at: now) {
                flash = Flash(text: why.text, isError: true, until: now + 5)
            } else if let state {
                armed = Armed(.overrideHolds(state.blockingHolds(at: now).filter(\.canOverride)), armedAt: now)
            }
        case .traffic:
            if commandRefusal(nil, state: state, now: now) == nil { prompt = Prompt(.trafficPercent) }
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
        if commands == nil {
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
        armed = Armed(action: action, armedAt: now)
    }

    private mutating func handleArmed(_ key: Key, now: Date) -> Intent? {
        guard var a = armed else { return nil }
        if key == .escape || key == .ctrl("g") {
            armed = nil
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
            if a.what.countsDown, let window = commands?.abortWindow, window > 0 {
                a.firesAt = now + window
            } else {
                armed = nil
                return a.intent(reason: reason)
            }
        default:
            break
        }
        armed = a
        return nil
    }

    /// Time passing: an armed command whose countdown ran out is sent, once.
    public mutating func tick(now: Date) -> Intent? {
        guard let a = armed, let fires = a.firesAt, now >= fires else { return nil }
        armed = nil
        return a.intent(reason: a.reason)
    }

    private mutating func handlePrompt(_ key: Key) -> Intent? {
        guard var p = prompt else { return nil }
        if key == .escape || key == .ctrl("g") {
            prompt = nil
            return nil
        }
        if let choices = p.choices {
            guard case .char(let c) = key, let choice = choices.first(where: { $0.key == Character(c.lowercased()) }) else {
                return nil
            }
            prompt = nil
            switch p.kind {
            case .declareSeverity(let title):
                return .declare(title: title, severity: Severity(number: Int(String(choice.key)) ?? 3) ?? .sev3)
            case .severity:
                return .setSeverity(Severity(number: Int(String(choice.key)) ?? 3) ?? .sev3)
            case .status:
                return .setStatus(IncidentStatus.allCases.first { $0.label == choice.label } ?? .investigating)
            case .role:
                let role = IncidentRole.allCases.first { $0.label == choice.label } ?? .commander
                prompt = Prompt(.rolePerson(role))
                return nil
            default:
                return nil
            }
        }
        switch key {
        case .char(let c):
            if NoteRules.length(of: p.text) + c.unicodeScalars.count <= NoteRules.maxLength { p.text.append(c) }
            prompt = p
        case .backspace:
            if !p.text.isEmpty { p.text.removeLast() }
            prompt = p
        case .ctrl("u"):
            p.text = ""
            prompt = p
        case .enter:
            let text = p.text.trimmingCharacters(in: .whitespaces)
            prompt = nil
            guard !text.isEmpty else { return nil }
            switch p.kind {
            case .note: return .note(text)
            case .declareTitle:
                prompt = Prompt(.declareSeverity(title: text))
                return nil
            case .rolePerson(let role): return .assign(role, person: text)
            default: return nil
            }
        default:
            break
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
            let screen = LoadingScreen(loading: loading, label: readOnly ? "READ-ONLY" : nil, now: now, glyphs: glyphs,
                                       timeZone: timeZone, viewers: viewers)
            screen.renderHeader(in: headerRow, into: &grid)
            screen.renderBody(in: body, into: &grid)
            renderFooter(nil, now: now, in: footerRow, into: &grid)
            if showHelp {
                HelpOverlay(glyphs: glyphs, keyMap: keyMap, readOnly: readOnly,
                            breakGlass: commands.map { CommandSpec.breakGlass(in: $0.specs, service: $0.service, by: $0.user) })
                    .render(in: body, into: &grid)
            }
            return
        }
        let context = ViewContext(state: snapshot.state, now: now, glyphs: glyphs, timeZone: timeZone)
        Header(context: context, waiting: false, label: snapshot.label ?? (readOnly ? "READ-ONLY" : nil), viewers: viewers,
               noCommanderSince: snapshot.commander?.noCommanderSince(now: now, watchingSince: snapshot.publishedAt))
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
        if showHelp {
            // Break glass: the manual rollback, for when warroom itself is down.
            let manual = commands.map { CommandSpec.breakGlass(in: $0.specs, service: $0.service, by: $0.user) } ?? context.state.session?.breakGlass
            HelpOverlay(glyphs: glyphs, keyMap: keyMap, readOnly: readOnly, breakGlass: manual).render(in: body, into: &grid)
        }
        if let armed, let commands {
            ArmedOverlay(armed: armed, panel: commands, state: context.state, now: now, glyphs: glyphs).render(in: body, into: &grid)
        }
    }

    private func renderFooter(_ snapshot: Snapshot?, now: Date, in footerRow: Rect, into grid: inout Grid) {
        if let prompt {
            PromptLine(prompt: prompt).render(in: footerRow, into: &grid)
        } else if let flash, flash.until > now {
            grid.fill(footerRow, role: flash.isError ? .danger : .footer)
            grid.put(" " + flash.text, in: footerRow, role: flash.isError ? .danger : .footerKey)
        } else if let request = takeOverRequest, !readOnly {
            grid.fill(footerRow, role: .danger)
            grid.put(" ⚑ \(request.by.name) asks for command: \(request.reason) · \(keyMap.label(.handOver).split(separator: " ").first ?? "H") hands it over and closes this screen",
                     in: footerRow, role: .danger)
        } else if readOnly, let since = snapshot?.commander?.noCommanderSince(now: now, watchingSince: snapshot?.publishedAt ?? now) {
            grid.fill(footerRow, role: .danger)
            grid.put(" ✖ NO COMMANDER since \(Format.wallTime(since)) UTC: no warroom runs this war room; nothing is stepped, sent or paged", in: footerRow, role: .danger)
        } else if readOnly {
            grid.fill(footerRow, role: .footer)
            grid.put(" READ-ONLY: following the journal; no key changes anything", in: footerRow, role: .footer)
        } else {
            Footer(keyMap: keyMap).render(in: footerRow, into: &grid)
        }
    }
}

/// The armed command: exactly what will be sent, where, why, and when.
struct ArmedOverlay {
    let armed: Armed
    let panel: CommandPanel
    let state: WarRoomState
    let now: Date
    let glyphs: Glyphs

    func render(in body: Rect, into grid: inout Grid) {
        let width = min(body.width - 4, 100)
        let area = Rect(x: body.x + (body.width - width) / 2, y: body.y + max(0, (body.height - 9) / 2), width: width, height: min(9, body.height))
        let title = "ARMED: \(armed.what)" + (panel.dryRun ? " (DRY RUN: will not be sent)" : "")
        let inner = Box(title: title, role: .danger, titleRole: .danger, glyphs: glyphs).render(in: area, into: &grid)
        var target = "\(panel.service): canary \(Format.weight(state.canary.weight))"
        if let p = armed.what.previewAction?.percent { target += " → \(Format.weight(p))" }
        let preview: String
        if let action = armed.what.previewAction {
            preview = CommandSpec.preview(action, reason: armed.reason, by: panel.user, service: panel.service, in: panel.specs)
        } else if case .overrideHolds(let holds) = armed.what {
            target = "lift until the next step: " + holds.text
            preview = "(nothing is sent: the canary may take more traffic despite these holds; recorded with your reason)"
        } else {
            preview = ""
        }
        grid.put("Target  ", in: inner, row: 0, role: .label)
        grid.put(target, in: inner, row: 0, dx: 8, role: .value)
        grid.put("Sends   ", in: inner, row: 1, role: .label)
        grid.put(TextWidth.truncate(preview, to: inner.width - 8), in: inner, row: 1, dx: 8, role: .accent)
        if TextWidth.of(preview) > inner.width - 8 {
            grid.put(TextWidth.truncate(String(preview.dropFirst(max(0, inner.width - 9))), to: inner.width - 8), in: inner, row: 2, dx: 8, role: .accent)
        }
        grid.put("By      ", in: inner, row: 3, role: .label)
        grid.put(panel.user, in: inner, row: 3, dx: 8, role: .normal)
        grid.put("Reason  ", in: inner, row: 4, role: .label)
        if let fires = armed.firesAt {
            grid.put(armed.reason, in: inner, row: 4, dx: 8, role: .value)
            let left = max(0, fires.timeIntervalSince(now))
            grid.put("Sending in " + Format.fixed(left, decimals: 1) + " s · Esc aborts", in: inner, row: 6, role: .danger)
        } else {
            grid.put(armed.reason + "█", in: inner, row: 4, dx: 8, role: .selection)
            let then = armed.what.countsDown && panel.abortWindow > 0
                ? "Enter confirms, then \(Format.duration(panel.abortWindow)) to abort · Esc aborts now"
                : "Enter sends · Esc aborts"
            grid.put(then, in: inner, row: 6, role: .dim)
        }
    }
}

struct PromptLine {
    let prompt: Prompt

    func render(in area: Rect, into grid: inout Grid) {
        grid.fill(area, role: .selection)
        var x = grid.put(" \(prompt.label): ", in: area, role: .selection)
        if let choices = prompt.choices {
            for choice in choices {
                x += grid.put("[\(choice.key)] ", in: area, dx: x, role: .selection)
                x += grid.put(choice.label + "  ", in: area, dx: x, role: .selection)
            }
            grid.put("Esc cancels", in: area, dx: x, role: .selection)
        } else {
            let hint = "  Enter records · Esc cancels"
            let room = area.width - x - TextWidth.of(hint) - 1
            // Show the end of a long line: that is where the cursor is.
            var shown = prompt.text
            while TextWidth.of(shown) > room - 1, !shown.isEmpty { shown.removeFirst() }
            x += grid.put(shown + "█", in: area, dx: x, role: .selection)
            grid.put(hint, in: area, dx: x, role: .selection)
        }
    }
}

/// Where the four panes go. Wide terminals get a 2x2 grid; narrower ones put
/// metrics across the top so their columns keep room for sparklines.
public struct Layout: Sendable, Equatable {
    public var metrics, canary, timeline, roster: Rect

    public init(_ body: Rect) {
        let metricsHeight = MetricsPane.preferredInnerHeight + 2
        if body.width >= 120 {
            let spaced = MetricsPane.preferredInnerHeight + MetricsPane.metrics.count + 2 + 2
            let topHeight = min(max(metricsHeight, body.height * 2 / 5 > spaced ? spaced : metricsHeight + 4), body.height / 2)
            let (top, bottom) = body.splitTop(topHeight)
            let leftWidth = body.width * 11 / 20
            (metrics, canary) = top.splitLeft(leftWidth)
            (timeline, roster) = bottom.splitLeft(leftWidth)
        } else {
            let (top, rest) = body.splitTop(metricsHeight)
            metrics = top
            let middleHeight = min(9, rest.height / 2)
            let (middle, bottom) = rest.splitTop(middleHeight)
            (canary, roster) = middle.splitLeft(middle.width / 2)
            timeline = bottom
        }
    }
}

struct Header {
    let context: ViewContext
    let waiting: Bool
    var label: String? = nil
    var viewers: Viewers? = nil
    /// A follower's loudest news: nobody commands this war room.
    var noCommanderSince: Date? = nil

    func render(in area: Rect, into grid: inout Grid) {
        let state = context.state
        let severity = state.shownSeverity
        let alert = severity >= .sev2
        let base: Role = alert ? .headerAlert : .header
        grid.fill(area, role: base)
        var x = grid.put(" WARROOM ", in: area, role: .badge)
        if let label { x += grid.put(" \(label) ", in: area, dx: x, role: .danger) }
        if let since = noCommanderSince {
            x += grid.put(" ✖ NO COMMANDER since \(Format.wallTime(since)) ", in: area, dx: x + 1, role: .danger) + 1
        }
        x += grid.put(" " + (state.session?.service ?? (waiting ? "starting…" : "no session")) + " ", in: area, dx: x, role: base)
        x += grid.put("│ ", in: area, dx: x, role: base)
        x += grid.put("\(severity.glyph) \(severity.label) ", in: area, dx: x, role: severity == .none ? base : .badge)
        x += grid.put(" │ ", in: area, dx: x, role: base)
        if let incident = state.incident, incident.isOpen {
            x += grid.put("INCIDENT #\(incident.number) \(incident.severity.label) \(incident.status.label.uppercased()) \(Format.clock(incident.duration(at: context.now)))",
                          in: area, dx: x, role: base)
        } else if let incident = state.incident {
            x += grid.put("incident #\(incident.number) resolved after \(Format.age(incident.duration(at: context.now)))", in: area, dx: x, role: base)
        } else if let start = state.launchStartedAt {
            x += grid.put("no incident · launch T+\(Format.clock(context.now.timeIntervalSince(start)))", in: area, dx: x, role: base)
        } else {
            x += grid.put("no incident", in: area, dx: x, role: base)
        }
        // Being blind is the worst news a war room can have: it goes in the header.
        if !state.silentSources.isEmpty {
            x += grid.put("  ✖ SILENT: \(state.silentSources.keys.sorted().joined(separator: ", ")) ", in: area, dx: x, role: .danger)
        }
        let firing = state.alerts.values.filter { $0.change != .silenced }.count
        if firing > 0 {
            x += grid.put("  ▲ \(firing) alert\(firing == 1 ? "" : "s") firing ", in: area, dx: x, role: .badge)
        }
        let utc = "\(Format.wallTime(context.now)) UTC "
        // Each asks the time zone (ICU) again: once each per frame.
        let offset = context.localOffset, zone = context.localZoneName
        let local = offset != 0 || !["UTC", "GMT"].contains(zone)
            ? "│ \(Format.wallTime(context.now, offsetSeconds: offset)) \(zone) " : ""
        var watching: [String] = []
        if let viewers, viewers.total > 0 {
            watching = ["\(viewers.total) watching" + (viewers.readOnly > 0 ? " (\(viewers.readOnly) read-only)" : "") + " │ ",
                        "\(viewers.total) watching │ "]
        }
        // The widest that fits: viewers and both clocks, then less, down to the UTC clock alone.
        let candidates = watching.map { $0 + utc + local } + watching.map { $0 + utc } + [utc + local, utc]
        if let right = candidates.first(where: { area.width - TextWidth.of($0) > x + 1 }) {
            grid.put(right, in: area, dx: area.width - TextWidth.of(right), role: base)
        }
    }
}

struct Footer {
    let keyMap: KeyMap

    func render(in area: Rect, into grid: inout Grid) {
        grid.fill(area, role: .footer)
        var x = 1
        for action in KeyAction.allCases {
            guard let short = action.short, let key = keyMap.bindings[action]?.first else { continue }
            x += grid.put(Key.name(key), in: area, dx: x, role: .footerKey)
            x += grid.put(" " + short + "   ", in: area, dx: x, role: .footer)
        }
        if let up = keyMap.bindings[.scrollUp]?.first, let down = keyMap.bindings[.scrollDown]?.first {
            x += grid.put(Key.name(up) + " " + Key.name(down), in: area, dx: x, role: .footerKey)
            grid.put(" scroll", in: area, dx: x, role: .footer)
        }
    }
}

struct HelpOverlay {
    let glyphs: Glyphs
    let keyMap: KeyMap
    let readOnly: Bool
    var breakGlass: String? = nil

    func render(in body: Rect, into grid: inout Grid) {
        let actions = KeyAction.allCases.filter { !readOnly || $0.isViewOnly }
        let extra = breakGlass == nil ? 0 : 3
        let hint = "Rebind in the config by the names on the right: keys: {rollback: R}"
        let wanted = actions.count + 3 + extra  // the box, the keys, the rebinding hint, break glass
        let height = min(body.height - 2, wanted)
        // Too many keys for the rows: two columns (help cut to fit, names left out).
        let rows = height - 2 - extra
        let columns = actions.count > rows && body.width >= 100 ? 2 : 1
        let width = min(body.width - 4, columns == 2 ? 160 : 92)
        let area = Rect(x: body.x + (body.width - width) / 2, y: body.y + (body.height - height) / 2, width: width, height: height)
        let title = (readOnly ? "Keys (read-only screen)" : "Keys") + " · any key closes this help"
        let inner = Box(title: title, role: .accent, titleRole: .accent, glyphs: glyphs).render(in: area, into: &grid)
        let perColumn = columns == 2 ? (actions.count + 1) / 2 : actions.count
        let columnWidth = inner.width / columns
        for (i, action) in actions.enumerated() {
            let row = i % perColumn, column = i / perColumn
            guard row < inner.height - extra else { continue }
            let dx = column * columnWidth
            grid.put(TextWidth.pad(keyMap.label(action), to: 12), in: inner, row: row, dx: dx + 1, role: .footerKey)
            grid.put(TextWidth.truncate(action.help, to: max(0, columnWidth - 15)), in: inner, row: row, dx: dx + 14, role: .normal)
            // The name a config's `keys:` uses to rebind it.
            let name = action.rawValue
            if columns == 1, inner.width - 14 - TextWidth.of(action.help) > TextWidth.of(name) + 2 {
                grid.put(name, in: inner, row: row, dx: inner.width - TextWidth.of(name) - 1, role: .dim)
            }
        }
        if let breakGlass, inner.height > extra + 1 {
            // Cut into two rows, nothing dropped: the two rows together are the
            // line to paste when warroom is down (`warroom status` prints it whole).
            let room = max(1, inner.width - 2)
            grid.put("If warroom is down, roll back by hand (also in `warroom status`):", in: inner, row: inner.height - 3, dx: 1, role: .danger)
            let first = String(breakGlass.prefix(room)), rest = String(breakGlass.dropFirst(room))
            grid.put(first, in: inner, row: inner.height - 2, dx: 1, role: .accent)
            if !rest.isEmpty { grid.put(TextWidth.truncate(rest, to: room), in: inner, row: inner.height - 1, dx: 1, role: .accent) }
        }
        if perColumn + extra < inner.height, columns == 1 {
            grid.put(hint, in: inner, row: inner.height - 1 - extra, dx: 1, role: .dim)
        }
    }
}

/// Shown instead of the panes when the terminal cannot hold them.
struct TooSmall {
    let width: Int
    let height: Int

    func render(into grid: inout Grid) {
        let words = "Terminal too small: \(width)x\(height). warroom needs at least \(Dashboard.minimumWidth)x\(Dashboard.minimumHeight). Enlarge the window, or press q to quit."
            .split(separator: " ").map(String.init)
        var lines: [String] = []
        var line = ""
        for word in words {
            if line.isEmpty { line = word } else if TextWidth.of(line) + 1 + TextWidth.of(word) <= width { line += " " + word } else {
                lines.append(line)
                line = word
            }
        }
        if !line.isEmpty { lines.append(line) }
        let top = max(0, (height - lines.count) / 2)
        for (i, l) in lines.enumerated() where top + i < height {
            grid.put(l, x: max(0, (width - TextWidth.of(l)) / 2), y: top + i, role: .sev2)
        }
    }
}
