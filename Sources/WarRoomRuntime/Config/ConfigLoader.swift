import Foundation
public import WarRoomCore
import Yams

/// Loads `warroom.yaml`. Strict: unknown keys, wrong types and bad values are
/// errors that name the file, line, field and what would be valid.
public enum ConfigLoader {
    public static func load(path: String) throws -> WarRoomConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigErrors(errors: [
                ConfigError(file: path, line: 0, column: 0, field: "", message: "cannot read: \((error as NSError).localizedDescription)")
            ])
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws(ConfigErrors) -> WarRoomConfig {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigErrors(errors: [ConfigError(file: file, line: 1, column: 1, field: "", message: "the file is empty")])
            }
            root = node
        } catch let errors as ConfigErrors {
            throw errors
        } catch let error as YamlError {
            throw ConfigErrors(errors: [yamlError(error, file: file, text: text)])
        } catch {
            throw ConfigErrors(errors: [ConfigError(file: file, line: 0, column: 0, field: "", message: "not valid YAML: \(error)")])
        }
        let reader = YAMLReader(file: file)
        reader.refuseHostileText(root)
        let config = read(root, reader)
        if !reader.errors.isEmpty || config == nil {
            var errors = reader.errors.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            if errors.isEmpty { errors = [ConfigError(file: file, line: 0, column: 0, field: "", message: "invalid config")] }
            throw ConfigErrors(errors: errors)
        }
        return config!
    }

    private static func yamlError(_ error: YamlError, file: String, text: String) -> ConfigError {
        var line = 0
        var column = 0
        var message = "\(error)"
        switch error {
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? ""
            line = context.mark.line
            column = context.mark.column
            // Point at the second occurrence of the key, where the mistake is.
            var seen = 0
            for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = raw.drop { $0 == " " || $0 == "-" }
                if trimmed.hasPrefix(key + ":") || trimmed.hasPrefix("\"\(key)\":") {
                    seen += 1
                    if seen == 2 {
                        line = i + 1
                        column = raw.count - trimmed.count + 1
                        break
                    }
                }
            }
            return ConfigError(file: file, line: line, column: column, field: key, message: "appears twice in the same mapping")
        case .scanner(let context, let problem, let mark, _):
            line = mark.line
            column = mark.column
            message = "not valid YAML: \(problem)" + (context.map { " \($0.text)" } ?? "")
        case .parser(let context, let problem, let mark, _):
            line = mark.line
            column = mark.column
            message = "not valid YAML: \(problem)" + (context.map { " \($0.text)" } ?? "")
        case .composer(let context, let problem, let mark, _):
            line = mark.line
            column = mark.column
            message = "not valid YAML: \(problem)" + (context.map { " \($0.text)" } ?? "")
        default:
            break
        }
        return ConfigError(file: file, line: line, column: column, field: "", message: message)
    }

    static let topKeys = [
        "service", "sources", "severity", "canary", "roster", "commands", "paging", "abort_window", "dry_run", "max_concurrent_polls", "keys",
        "theme", "retention", "journal",
    ]

    private static func read(_ root: Node, _ r: YAMLReader) -> WarRoomConfig? {
        guard let top = YAMLReader.Map(r, root, path: "") else { return nil }
        let service = top.string("service", required: true, what: "the name of the service being launched")
        let sources = readSources(top, r)
        let rules = top.map("severity").map { readRules($0, r) } ?? .runbookDefaults
        let plan = top.map("canary").map { readPlan($0, r) } ?? .runbookDefault
        let roster = top.map("roster").map { readRoster($0, r) } ?? Roster(tiers: [])
        var trafficReadInterval: TimeInterval?
        var commands = top.map("commands").map { readCommands($0, r, readInterval: &trafficReadInterval) } ?? [:]
        if let p = top.map("paging", what: "how to page: program: [argv…] or webhook: {…}") {
            if let spec = readSpec(p, r) { commands[WarRoomConfig.pagingKey] = spec }
            p.finish(valid: ["program", "webhook", "timeout", "env"])
        }
        let abortWindow = top.duration("abort_window") ?? 3
        var maxPolls = 32
        if let node = top.node("max_concurrent_polls") {
            if let n = node.int, n >= 1 {
                maxPolls = n
            } else {
                r.fail(node, "max_concurrent_polls", "expected a whole number of at least 1, got \(YAMLReader.kind(node))")
            }
        }
        var dryRun = false
        if let node = top.node("dry_run") {
            if let b = node.bool { dryRun = b } else { r.fail(node, "dry_run", "expected true or false, got \(YAMLReader.kind(node))") }
        }
        let theme = top.string("theme")
        let retention = top.map("retention", what: "how long samples are kept: full: 1h, downsample: [{every: 10s, until: 24h}, …]").map {
            readRetention($0, r)
        }
        let checkpoints = top.map("journal", what: "journal settings: checkpoint_events, checkpoint_every").map { readJournal($0, r) } ?? .standard
        var keyBindings: [KeyBindingSpec] = []
        if let k = top.map("keys", what: "actions mapped to keys, e.g. rollback: R or scroll_down: [down, j]") {
            for (keyNode, valueNode) in k.node.mapping ?? [:] {
                guard let action = keyNode.scalar?.string else { continue }
                _ = k.node(action)
                var keys: [String] = []
                if let one = valueNode.scalar?.string {
                    keys = [one]
                } else if let list = valueNode.sequence {
                    for (i, n) in list.enumerated() {
                        if let s = n.scalar?.string { keys.append(s) } else { r.fail(n, k.field("\(action)[\(i)]"), "expected a key name") }
                    }
                } else {
                    r.fail(valueNode, k.field(action), "expected a key or a list of keys")
                }
                keyBindings.append(KeyBindingSpec(action: action, keys: keys, line: keyNode.mark?.line ?? 0, column: keyNode.mark?.column ?? 0))
            }
            k.finish(valid: [])
        }
        // Only now is every key read: anything left is unknown.
        top.finish(valid: topKeys)
        guard let service else { return nil }
        var config = WarRoomConfig(service: service, sources: sources, rules: rules, plan: plan, roster: roster, commands: commands)
        config.abortWindow = abortWindow
        if let trafficReadInterval { config.trafficReadInterval = max(1, trafficReadInterval) }
        config.maxConcurrentPolls = maxPolls
        config.theme = theme
        config.keyBindings = keyBindings
        config.file = r.file
        config.dryRun = dryRun
        if let retention { config.retention = retention }
        config.checkpoints = checkpoints
        return config
    }

    /// `journal:` when the commander checkpoints its folded state.
    private static func readJournal(_ m: YAMLReader.Map, _ r: YAMLReader) -> CheckpointPolicy {
        var policy = CheckpointPolicy.standard
        if let node = m.node("checkpoint_events") {
            if let n = node.int, n >= 1 {
                policy.everyEvents = n
            } else {
                r.fail(node, m.field("checkpoint_events"), "expected a whole number of events of at least 1, got \(YAMLReader.kind(node))")
            }
        }
        if let every = m.duration("checkpoint_every") { policy.every = every }
        m.finish(valid: ["checkpoint_events", "checkpoint_every"])
        return policy
    }

    /// `retention:` full resolution for `full`, then each `downsample` tier
    /// (`every` a bucket, `until` an age) in turn.
    private static func readRetention(_ m: YAMLReader.Map, _ r: YAMLReader) -> SampleRetention {
        var retention = SampleRetention.standard
        if let full = m.duration("full") { retention.full = full }
        var nodes: [Node] = []
        if let list = m.sequence("downsample", what: "tiers such as {every: 10s, until: 24h}") {
            nodes = list
            var tiers: [SampleRetention.Tier] = []
            for (i, node) in list.enumerated() {
                guard let t = YAMLReader.Map(r, node, path: m.field("downsample[\(i)]")) else { continue }
                let every = t.duration("every", required: true)
                let until = t.duration("until", required: true)
                t.finish(valid: ["every", "until"])
                if let every, let until { tiers.append(SampleRetention.Tier(every: every, until: until)) }
            }
            if tiers.count == list.count { retention.tiers = tiers }
        }
        m.finish(valid: ["full", "downsample"])
        for p in retention.problems {
            if let i = p.tier, i < nodes.count, let t = YAMLReader.Map(r, nodes[i], path: m.field("downsample[\(i)]")) {
                r.fail(t.node(p.field), t.field(p.field), p.message)
            } else {
                r.fail(m.node("full"), m.field("full"), p.message)
            }
        }
        return retention
    }

    private static func readSources(_ top: YAMLReader.Map, _ r: YAMLReader) -> [SourceConfig] {
        guard let list = top.sequence("sources", required: true, what: "the endpoints to poll") else { return [] }
        if list.isEmpty { r.fail(top.node("sources"), "sources", "needs at least one source") }
        var out: [SourceConfig] = []
        var names: Set<String> = []
        for (i, node) in list.enumerated() {
            guard let m = YAMLReader.Map(r, node, path: "sources[\(i)]") else { continue }
            if let source = readSource(m, r) {
                if !names.insert(source.name).inserted {
                    r.fail(m.node("name"), m.field("name"), "'\(source.name)' is used by another source; names must be unique")
                }
                out.append(source)
            }
        }
        return out
    }

    static let commonSourceKeys = ["name", "kind", "url", "interval", "timeout", "jitter", "dim_after", "stale_after", "always_reporting", "auth"]
    static let kindKeys: [String: [String]] = [
        "health": ["fields"],
        "scrape": ["requests_metric", "latency_metric", "cohort_label", "code_label", "max_series", "max_label_length"],
        "prometheus": ["queries", "backfill"],
        "alertmanager": ["severity_label", "severity_map", "matchers", "max_alerts", "max_annotation_length"],
    ]

    private static func readSource(_ m: YAMLReader.Map, _ r: YAMLReader) -> SourceConfig? {
        let name = m.string("name", required: true, what: "a short unique name for this source")
        let kindName = m.oneOf("kind", ["health", "scrape", "prometheus", "alertmanager"], required: true)
        let url = m.string("url", required: true, what: "the http:// or https:// address to poll")
        let interval = m.duration("interval") ?? 5
        let timeout = m.duration("timeout") ?? min(2, interval)
        if interval <= 0 { r.fail(m.node("interval"), m.field("interval"), "must be more than 0") }
        if timeout <= 0 { r.fail(m.node("timeout"), m.field("timeout"), "must be more than 0") }
        if let url, URL(string: url)?.scheme.map({ ["http", "https"].contains($0) }) != true || URL(string: url)?.host == nil {
            r.fail(m.node("url"), m.field("url"), "expected an http:// or https:// URL, got '\(Redact.url(url))'")
        } else if let url, Redact.hasUserinfo(url) {
            r.fail(
                m.node("url"), m.field("url"),
                "a user name or password in the URL (\(Redact.url(url))) is refused: use auth: {basic: {username, password_env}} or bearer_token_env")
        }
        var kind: SourceConfig.Kind?
        if let kindName, let url {
            switch kindName {
            case "health":
                kind = .health(
                    url: url,
                    mapping: m.map("fields", what: "series mapped to JSON paths, e.g. canary.error_rate: {path: $.canary.errors, unit: percent}").map
                    { readFields($0, r) })
            case "scrape":
                var mapping = ScrapeMapping()
                if let v = m.string("requests_metric") { mapping.requests = v }
                if let v = m.string("latency_metric") { mapping.latency = v }
                if let v = m.string("cohort_label") { mapping.cohortLabel = v }
                if let v = m.string("code_label") { mapping.codeLabel = v }
                kind = .scrape(url: url, mapping: mapping)
            case "prometheus":
                var queries: [SeriesKey: String] = [:]
                if let q = m.map("queries", required: true, what: "a PromQL expression per series, e.g. canary.error_rate: 'sum(rate(…))'") {
                    for (keyNode, valueNode) in q.node.mapping ?? [:] {
                        guard let text = keyNode.scalar?.string else { continue }
                        _ = q.node(text)
                        guard let key = seriesKey(text, keyNode, q.field(text), r) else { continue }
                        guard let expr = valueNode.scalar?.string, !expr.trimmingCharacters(in: .whitespaces).isEmpty else {
                            r.fail(valueNode, q.field(text), "expected a PromQL expression")
                            continue
                        }
                        queries[key] = expr
                    }
                    q.finish(valid: [])
                    if (q.node.mapping?.count ?? 0) == 0 { r.fail(q.node, q.path, "needs at least one query") }
                }
                kind = .prometheus(url: url, queries: queries, backfill: m.duration("backfill") ?? 15 * 60)
            default:
                var map = AlertSeverityMap()
                if let v = m.string("severity_label") { map.labelName = v }
                if let sm = m.map("severity_map", what: "label values mapped to SEV-1…SEV-4 or none, e.g. critical: SEV-1") {
                    var values: [String: Int] = [:]
                    for (keyNode, valueNode) in sm.node.mapping ?? [:] {
                        guard let label = keyNode.scalar?.string else { continue }
                        _ = sm.node(label)
                        let text = valueNode.scalar?.string.uppercased() ?? ""
                        if text == "NONE" {
                            values[label.lowercased()] = 0
                            continue
                        }
                        guard let level = Severity.allCases.first(where: { $0 != .none && $0.label == text }) else {
                            r.fail(
                                valueNode, sm.field(label),
                                "expected SEV-1, SEV-2, SEV-3, SEV-4 or none, got '\(valueNode.scalar?.string ?? YAMLReader.kind(valueNode))'")
                            continue
                        }
                        values[label.lowercased()] = 5 - level.rawValue
                    }
                    sm.finish(valid: [])
                    map.values = values
                }
                kind = .alertmanager(url: url, severity: map)
            }
        }
        var jitter = 0.1
        if m.has("jitter") {
            if let j = m.fraction("jitter") {
                if (0 ... 1).contains(j) {
                    jitter = j
                } else {
                    r.fail(m.node("jitter"), m.field("jitter"), "must be from 0% to 100% of the interval")
                }
            }
        }
        let dimAfter = m.duration("dim_after")
        let staleAfter = m.duration("stale_after")
        if let s = staleAfter, s < dimAfter ?? 2 * interval {
            let d = dimAfter ?? 2 * interval
            r.fail(m.node("stale_after"), m.field("stale_after"), "must not be shorter than dim_after (\(Format.duration(d)))")
        }
        var always = false
        if let node = m.node("always_reporting") {
            if let b = node.bool {
                always = b
            } else {
                r.fail(node, m.field("always_reporting"), "expected true or false, got \(YAMLReader.kind(node))")
            }
            if always && kindName == "alertmanager" {
                r.fail(node, m.field("always_reporting"), "an Alertmanager source has no values to fall silent; use a Watchdog alert instead")
            }
        }
        let auth = m.map("auth", what: "credentials from the environment or files").map { readAuth($0, r) } ?? SourceAuth()
        var limits = FeedLimits()
        for (key, path) in [
            ("max_series", \FeedLimits.maxSeries), ("max_label_length", \FeedLimits.maxLabelLength),
            ("max_alerts", \FeedLimits.maxAlerts), ("max_annotation_length", \FeedLimits.maxAnnotationLength),
        ] {
            guard m.has(key), kindKeys[kindName ?? ""]?.contains(key) == true, let node = m.node(key) else { continue }
            if let n = node.int, n >= 1 {
                limits[keyPath: path] = n
            } else {
                r.fail(node, m.field(key), "expected a whole number of at least 1, got \(YAMLReader.kind(node))")
            }
        }
        var matchers: [String] = []
        if kindName == "alertmanager",
            let list = m.sequence("matchers", what: "label matchers sent as filter=, e.g. ['team=\"payments\"', 'env=\"prod\"']")
        {
            for (i, node) in list.enumerated() {
                guard let text = node.scalar?.string, Self.isMatcher(text) else {
                    r.fail(
                        node, m.field("matchers[\(i)]"),
                        "expected a label matcher such as team=\"payments\" (operators =, !=, =~, !~), got '\(node.scalar?.string ?? YAMLReader.kind(node))'"
                    )
                    continue
                }
                matchers.append(text.trimmingCharacters(in: .whitespaces))
            }
        }
        m.finish(valid: commonSourceKeys + (kindName.flatMap { kindKeys[$0] } ?? []))
        guard let name, let kind else { return nil }
        var source = SourceConfig(name: name, kind: kind, interval: interval, timeout: timeout)
        source.jitter = jitter
        source.dimAfter = dimAfter
        source.staleAfter = staleAfter
        source.alwaysReporting = always
        source.auth = auth
        source.limits = limits
        source.matchers = matchers
        return source
    }

    /// `name="value"`, `name=~"re"`, `name!=value`: an Alertmanager label matcher.
    static func isMatcher(_ text: String) -> Bool {
        text.range(of: #"^\s*[A-Za-z_][A-Za-z0-9_]*\s*(=~|!~|!=|=)\s*("([^"\\]|\\.)*"|[^"\s,{}]*)\s*$"#, options: .regularExpression) != nil
    }

    /// "canary.error_rate", "stable.latency_p95", …
    static func seriesKey(_ text: String, _ node: Node, _ field: String, _ r: YAMLReader) -> SeriesKey? {
        let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
        let metrics = [
            "error_rate": MetricKind.errorRate, "latency": .latencyAvg, "latency_avg": .latencyAvg, "latency_p95": .latencyP95,
            "latency_p50": .latencyP50, "latency_p99": .latencyP99, "throughput": .throughput,
        ]
        guard parts.count == 2, let cohort = Cohort(rawValue: parts[0]), let metric = metrics[parts[1]] else {
            r.fail(
                node, field,
                "expected COHORT.METRIC with cohort canary or stable and metric error_rate, latency, latency_p95 or throughput, got '\(text)'")
            return nil
        }
        return SeriesKey(cohort, metric)
    }

    /// `canary.error_rate: {path: $.canary.errors, unit: percent}` or `canary.error_rate: $.canary.errors`.
    private static func readFields(_ m: YAMLReader.Map, _ r: YAMLReader) -> HealthMapping {
        var entries: [HealthMapping.Entry] = []
        let units: [MetricKind: [String: Double]] = [
            .errorRate: ["fraction": 1, "percent": 0.01],
            .latencyAvg: ["s": 1, "ms": 0.001], .latencyP95: ["s": 1, "ms": 0.001],
            .latencyP50: ["s": 1, "ms": 0.001], .latencyP99: ["s": 1, "ms": 0.001],
            .throughput: ["per_minute": 1, "per_second": 60],
        ]
        for (keyNode, valueNode) in m.node.mapping ?? [:] {
            guard let text = keyNode.scalar?.string else { continue }
            _ = m.node(text)
            guard let key = seriesKey(text, keyNode, m.field(text), r) else { continue }
            var pathText: String?
            var pathNode = valueNode
            var scale = 1.0
            if let s = valueNode.scalar?.string {
                pathText = s
            } else if let e = YAMLReader.Map(r, valueNode, path: m.field(text)) {
                pathText = e.string("path", required: true, what: "a JSON path such as $.canary.error_rate")
                pathNode = e.node("path") ?? valueNode
                let allowed = units[key.metric] ?? [:]
                if let unit = e.oneOf("unit", allowed.keys.sorted()) { scale = allowed[unit] ?? 1 }
                e.finish(valid: ["path", "unit"])
            }
            guard let pathText else { continue }
            do {
                entries.append(HealthMapping.Entry(key: key, path: try JSONPath(pathText), scale: scale))
            } catch {
                r.fail(pathNode, m.field(text), "bad JSON path: \(error)")
            }
        }
        m.finish(valid: [])
        if (m.node.mapping?.count ?? 0) == 0 { r.fail(m.node, m.path, "needs at least one series, e.g. canary.error_rate: $.canary.error_rate") }
        return HealthMapping(entries: entries.sorted { $0.key.description < $1.key.description })
    }

    /// Credentials name where a secret is (an environment variable or a file), never the secret.
    private static func readAuth(_ m: YAMLReader.Map, _ r: YAMLReader) -> SourceAuth {
        func ref(_ map: YAMLReader.Map, _ base: String) -> SecretRef? {
            let env = map.string(base + "_env")
            let file = map.string(base + "_file")
            if env != nil && file != nil { r.fail(map.node(base + "_file"), map.field(base + "_file"), "give \(base)_env or \(base)_file, not both") }
            if let env {
                guard env.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
                    r.fail(
                        map.node(base + "_env"), map.field(base + "_env"),
                        "expected the NAME of an environment variable holding the value (the value itself never goes in the file)")
                    return nil
                }
                return .env(env)
            }
            return file.map { .file($0) }
        }
        var auth = SourceAuth()
        if m.has("bearer_token") || m.has("password") {
            r.fail(
                m.node("bearer_token") ?? m.node("password"), m.field(m.has("bearer_token") ? "bearer_token" : "password"),
                "secrets never go in the config: use bearer_token_env / bearer_token_file")
        }
        auth.bearer = ref(m, "bearer_token")
        if let b = m.map("basic", what: "{username: NAME, password_env: VAR} or password_file") {
            let user = b.string("username", required: true, what: "the user name")
            if b.has("password") {
                r.fail(b.node("password"), b.field("password"), "the password never goes in the config: use password_env or password_file")
            }
            let password = ref(b, "password")
            if password == nil && !b.has("password") { b.missing("password_env", "the environment variable (or password_file) holding the password") }
            b.finish(valid: ["username", "password_env", "password_file"])
            if let user, let password { auth.basic = .init(username: user, password: password) }
        }
        if auth.bearer != nil && auth.basic != nil {
            r.fail(m.node("basic"), m.field("basic"), "give a bearer token or basic auth, not both")
        }
        for (key, isFile) in [("headers_from_env", false), ("headers_from_file", true)] {
            guard let h = m.map(key, what: "header names mapped to \(isFile ? "files" : "environment variable names") holding their values") else {
                continue
            }
            for (keyNode, valueNode) in h.node.mapping ?? [:] {
                guard let header = keyNode.scalar?.string else { continue }
                _ = h.node(header)
                guard let location = valueNode.scalar?.string, !location.isEmpty,
                    isFile || location.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil
                else {
                    r.fail(valueNode, h.field(header), isFile ? "expected a file path" : "expected the NAME of an environment variable")
                    continue
                }
                auth.headers[header] = isFile ? .file(location) : .env(location)
            }
            h.finish(valid: [])
        }
        m.finish(valid: ["bearer_token_env", "bearer_token_file", "basic", "headers_from_env", "headers_from_file"])
        return auth
    }

    private static func readRules(_ m: YAMLReader.Map, _ r: YAMLReader) -> SeverityRules {
        var rules = SeverityRules.runbookDefaults
        if let e = m.map("error_rate") {
            let t = Thresholds(
                sev3: e.fraction("sev3") ?? rules.errorRate.sev3,
                sev2: e.fraction("sev2") ?? rules.errorRate.sev2,
                sev1: e.fraction("sev1") ?? rules.errorRate.sev1)
            rules.errorRate = t
            rules.errorRate.forDuration = e.duration("for")
            rules.errorRate.clearMargin = e.fraction("clear_margin")
            e.finish(valid: ["sev3", "sev2", "sev1", "for", "clear_margin"])
            check(t, e, r)
        }
        if let l = m.map("latency") {
            let t = Thresholds(
                sev3: l.duration("sev3") ?? rules.latency.sev3,
                sev2: l.duration("sev2") ?? rules.latency.sev2,
                sev1: l.duration("sev1") ?? rules.latency.sev1)
            rules.latency = t
            rules.latency.forDuration = l.duration("for")
            rules.latency.clearMargin = l.duration("clear_margin")
            l.finish(valid: ["sev3", "sev2", "sev1", "for", "clear_margin"])
            check(t, l, r)
        }
        if let which = m.oneOf("latency_metric", ["avg", "p50", "p95", "p99"]) {
            rules.latencyMetric = ["p50": .latencyP50, "p95": .latencyP95, "p99": .latencyP99][which] ?? .latencyAvg
        }
        m.finish(valid: ["error_rate", "latency", "latency_metric"])
        return rules
    }

    private static func check(_ t: Thresholds, _ m: YAMLReader.Map, _ r: YAMLReader) {
        if !(t.sev3 < t.sev2 && t.sev2 < t.sev1) {
            r.fail(m.node, m.path, "thresholds must rise from sev3 to sev2 to sev1")
        }
    }

    private static func readPlan(_ m: YAMLReader.Map, _ r: YAMLReader) -> CanaryPlan {
        defer { m.finish(valid: ["steps", "analysis", "hold_at", "on_sev1"]) }
        var holdAt: Severity?
        if let node = m.node("hold_at") {
            let text = node.scalar?.string ?? ""
            if let n = Int(text.uppercased().replacingOccurrences(of: "SEV-", with: "").replacingOccurrences(of: "SEV", with: "")),
                let level = Severity(number: n)
            {
                holdAt = level
            } else {
                r.fail(node, m.field("hold_at"), "expected SEV-1, SEV-2, SEV-3 or SEV-4 (the canary holds at this severity and worse), got '\(text)'")
            }
        }
        let onSev1 = m.oneOf("on_sev1", ["rollback", "pause"]).flatMap(Sev1Action.init(rawValue:))
        var analysis: AnalysisConfig? = .runbookDefault
        if let node = m.node("analysis") {
            if node.scalar?.string == "off" || node.bool == false {
                analysis = nil
            } else if let a = YAMLReader.Map(r, node, path: "canary.analysis") {
                analysis = readAnalysis(a, r)
            }
        }
        guard let list = m.sequence("steps", required: true, what: "the traffic steps, e.g. {weight: 1%, hold: 30m}") else {
            var plan = CanaryPlan(steps: CanaryPlan.runbookDefault.steps, analysis: analysis)
            plan.holdAtSeverity = holdAt
            plan.onSev1 = onSev1
            return plan
        }
        var steps: [CanaryStep] = []
        for (i, node) in list.enumerated() {
            guard let s = YAMLReader.Map(r, node, path: "canary.steps[\(i)]") else { continue }
            let weight = s.weight("weight", required: true)
            let hold = s.duration("hold")
            var approval = false
            if let node = s.node("approval") {
                if let b = node.bool {
                    approval = b
                } else {
                    r.fail(node, s.field("approval"), "expected true or false, got \(YAMLReader.kind(node))")
                }
            }
            s.finish(valid: ["weight", "hold", "approval"])
            guard let weight else { continue }
            let last = i == list.count - 1
            if last && weight != 100 {
                r.fail(s.node("weight"), s.field("weight"), "the last step must be 100% (full promotion)")
            }
            if !last && weight >= 100 {
                r.fail(s.node("weight"), s.field("weight"), "only the last step may be 100%")
            }
            if !last && hold == nil { s.missing("hold", "how long to hold this step before the next") }
            if last && s.has("hold") {
                r.fail(s.node("hold"), s.field("hold"), "the last step is full promotion and has no hold")
            }
            if let prev = steps.last, weight <= prev.weight {
                r.fail(s.node("weight"), s.field("weight"), "weights must rise step by step (\(Format.weight(prev.weight)) came before)")
            }
            // A step must be able to pass the checks it needs before its hold ends.
            if !last, let hold, let analysis, hold < analysis.interval * Double(analysis.minChecks) {
                r.fail(
                    s.node("hold"), s.field("hold"),
                    "a hold of \(Format.duration(hold)) is shorter than \(analysis.minChecks) analysis check\(analysis.minChecks == 1 ? "" : "s") every \(Format.duration(analysis.interval)) (canary.analysis.interval × min_checks); hold longer or check more often"
                )
            }
            steps.append(CanaryStep(weight: weight, hold: last ? nil : hold, approval: approval))
        }
        var plan = CanaryPlan(steps: steps, analysis: analysis)
        plan.holdAtSeverity = holdAt
        plan.onSev1 = onSev1
        return plan
    }

    private static func readAnalysis(_ a: YAMLReader.Map, _ r: YAMLReader) -> AnalysisConfig {
        var config = AnalysisConfig.runbookDefault
        if let v = a.duration("interval") { config.interval = v }
        for (key, path) in [("failure_limit", \AnalysisConfig.failureLimit), ("inconclusive_limit", \AnalysisConfig.inconclusiveLimit)] {
            guard let node = a.node(key) else { continue }
            if let n = node.int, n >= 0, key != "inconclusive_limit" || n >= 1 {
                config[keyPath: path] = n
            } else {
                r.fail(
                    node, a.field(key),
                    "expected a whole number\(key == "inconclusive_limit" ? " of at least 1" : " of at least 0"), got \(YAMLReader.kind(node))")
            }
        }
        if let node = a.node("min_checks") {
            if let n = node.int, n >= 0 {
                config.minimumChecks = n
            } else {
                r.fail(node, a.field("min_checks"), "expected a whole number of at least 0, got \(YAMLReader.kind(node))")
            }
        }
        if let node = a.node("auto_rollback") {
            if let b = node.bool {
                config.autoRollback = b
            } else {
                r.fail(node, a.field("auto_rollback"), "expected true or false, got \(YAMLReader.kind(node))")
            }
        }
        if let list = a.sequence("metrics", what: "the metrics to judge, e.g. {metric: error_rate, max: 5%, max_increase: 2%}") {
            var metrics: [AnalysisMetric] = []
            for (i, node) in list.enumerated() {
                guard let m = YAMLReader.Map(r, node, path: "canary.analysis.metrics[\(i)]") else { continue }
                let which = m.oneOf("metric", ["error_rate", "latency", "latency_p95"], required: true)
                var max: Double?
                var increase: Double?
                if which == "error_rate" {
                    max = m.fraction("max", required: true)
                    increase = m.fraction("max_increase")
                } else if which != nil {
                    max = m.duration("max", required: true)
                    increase = m.duration("max_increase")
                }
                m.finish(valid: ["metric", "max", "max_increase"])
                if let which, let max {
                    let kind: MetricKind = which == "error_rate" ? .errorRate : which == "latency" ? .latencyAvg : .latencyP95
                    metrics.append(AnalysisMetric(metric: kind, max: max, maxIncrease: increase))
                }
            }
            if list.isEmpty { r.fail(a.node, a.field("metrics"), "needs at least one metric (or write analysis: off)") }
            config.metrics = metrics
        }
        a.finish(valid: ["interval", "failure_limit", "inconclusive_limit", "auto_rollback", "metrics", "min_checks"])
        return config
    }

    static func date(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withFullDate]
        return f.date(from: text)
    }

    private static func readRoster(_ m: YAMLReader.Map, _ r: YAMLReader) -> Roster {
        defer { m.finish(valid: ["people", "rotations", "tiers", "policies"]) }
        var people: [Person] = []
        for (i, node) in (m.sequence("people", what: "everyone a rotation may name: {name, handle, contact}") ?? []).enumerated() {
            guard let p = YAMLReader.Map(r, node, path: "roster.people[\(i)]") else { continue }
            let name = p.string("name", required: true, what: "the person's name")
            let handle = p.string("handle") ?? ""
            let contact = p.string("contact") ?? ""
            p.finish(valid: ["name", "handle", "contact"])
            if let name { people.append(Person(name: name, handle: handle, contact: contact)) }
        }
        var rotations: [Rotation] = []
        for (i, node) in (m.sequence("rotations", what: "on-call rotations: {name, people, handoff, time_zone, start, overrides}") ?? []).enumerated()
        {
            guard let rm = YAMLReader.Map(r, node, path: "roster.rotations[\(i)]") else { continue }
            let name = rm.string("name", required: true, what: "the rotation's name, used by tiers")
            var members: [String] = []
            if let list = rm.sequence("people", required: true, what: "handles or names, in order") {
                for n in list {
                    guard let who = n.scalar?.string, !who.isEmpty else {
                        r.fail(n, rm.field("people"), "expected a handle or name")
                        continue
                    }
                    if !people.isEmpty, Rotation.person(who, among: people) == nil {
                        r.fail(n, rm.field("people"), "'\(who)' is not in roster.people")
                    }
                    members.append(who)
                }
            }
            var handoff: Handoff?
            if let text = rm.string(
                "handoff", required: true, what: "when the pager passes on, e.g. \"Sundays 18:00\", \"daily 09:00\", \"every 8h\"")
            {
                do { handoff = try Handoff.parse(text) } catch { r.fail(rm.node("handoff"), rm.field("handoff"), error.message) }
            }
            let zone = rm.string("time_zone", required: true, what: "an IANA time zone such as America/Los_Angeles")
            var start: Date?
            if let text = rm.string(
                "start", required: true, what: "an ISO-8601 instant when the first person takes over, e.g. 2026-11-22T18:00:00-08:00")
            {
                start = date(text)
                if start == nil { r.fail(rm.node("start"), rm.field("start"), "expected an ISO-8601 date or instant, got '\(text)'") }
            }
            var overrides: [Override] = []
            for (j, o) in (rm.sequence("overrides", what: "{person, from, until}") ?? []).enumerated() {
                guard let om = YAMLReader.Map(r, o, path: rm.field("overrides[\(j)]")) else { continue }
                let who = om.string("person", required: true, what: "who covers")
                let from = om.string("from", required: true, what: "an ISO-8601 instant").flatMap(date)
                let until = om.string("until", required: true, what: "an ISO-8601 instant").flatMap(date)
                if om.has("from"), from == nil { r.fail(om.node("from"), om.field("from"), "expected an ISO-8601 date or instant") }
                if om.has("until"), until == nil { r.fail(om.node("until"), om.field("until"), "expected an ISO-8601 date or instant") }
                om.finish(valid: ["person", "from", "until"])
                if let who, let from, let until { overrides.append(Override(person: who, from: from, until: until)) }
            }
            rm.finish(valid: ["name", "people", "handoff", "time_zone", "start", "overrides"])
            if let name, let handoff, let zone, let start {
                let rotation = Rotation(name: name, people: members, timeZone: zone, handoff: handoff, start: start, overrides: overrides)
                // A rotation with no one in it, an unknown zone, overlapping overrides: said at its line.
                for problem in rotation.problems() { r.fail(node, "roster.rotations[\(i)]", problem) }
                rotations.append(rotation)
            }
        }
        guard let list = m.sequence("tiers", required: true, what: "the escalation tiers, first paged first") else { return Roster(tiers: []) }
        var tiers: [EscalationTier] = []
        for (i, node) in list.enumerated() {
            guard let t = YAMLReader.Map(r, node, path: "roster.tiers[\(i)]") else { continue }
            let tier = t.string("tier", required: true, what: "the tier's name, e.g. Primary")
            let rotation = t.string("rotation")
            let name = rotation == nil ? t.string("name", required: true, what: "who is on call at this tier (or rotation: NAME)") : t.string("name")
            let handle = t.string("handle") ?? ""
            let contact = t.string("contact") ?? ""
            let after = t.duration("escalate_after", required: true)
            t.finish(valid: ["tier", "name", "handle", "contact", "rotation", "escalate_after"])
            if let rotation, !rotations.contains(where: { $0.name == rotation }) {
                r.fail(
                    t.node("rotation"), t.field("rotation"),
                    "no rotation named '\(rotation)'; rotations are: \(rotations.map(\.name).joined(separator: ", "))")
            }
            if let tier, let after, name != nil || rotation != nil {
                tiers.append(
                    EscalationTier(
                        name: tier, person: Person(name: name ?? rotation ?? "", handle: handle, contact: contact),
                        escalateAfter: after, rotation: rotation))
            }
        }
        var policies: [String: EscalationPolicy] = [:]
        if let p = m.map("policies", what: "escalation policies by severity, e.g. sev1: {tiers: [Primary, Secondary], repeat: 1}") {
            let keys = ["sev1", "sev2", "sev3", "sev4"]
            for (i, key) in keys.enumerated() {
                guard let pol = p.map(key) else { continue }
                var indices: [Int] = []
                if let list = pol.sequence("tiers", required: true, what: "the tier names to page, in order") {
                    for node in list {
                        let name = node.scalar?.string ?? ""
                        if let index = tiers.firstIndex(where: { $0.name == name }) {
                            indices.append(index)
                        } else {
                            r.fail(node, pol.field("tiers"), "no tier named '\(name)'; tiers are: \(tiers.map(\.name).joined(separator: ", "))")
                        }
                    }
                }
                var repeats = 0
                if let node = pol.node("repeat") {
                    if let n = node.int, n >= 0 {
                        repeats = n
                    } else {
                        r.fail(node, pol.field("repeat"), "expected a whole number of at least 0, got \(YAMLReader.kind(node))")
                    }
                }
                let repage = pol.duration("repage_after")
                pol.finish(valid: ["tiers", "repeat", "repage_after"])
                policies[Severity(number: i + 1)!.label] = EscalationPolicy(tiers: indices, repeats: repeats, repageAfter: repage)
            }
            p.finish(valid: keys)
        }
        return Roster(tiers: tiers, policies: policies, people: people, rotations: rotations)
    }

    private static func readCommands(_ m: YAMLReader.Map, _ r: YAMLReader, readInterval: inout TimeInterval?) -> [String: CommandSpec] {
        var out: [String: CommandSpec] = [:]
        for name in CommandAction.names + [WarRoomConfig.readTrafficKey] {
            guard let c = m.map(name) else { continue }
            if name == WarRoomConfig.readTrafficKey { readInterval = c.duration("interval") }
            if let spec = readSpec(c, r) { out[name] = spec }
            c.finish(valid: ["program", "webhook", "timeout", "env"] + (name == WarRoomConfig.readTrafficKey ? ["interval"] : []))
        }
        m.finish(valid: CommandAction.names + [WarRoomConfig.readTrafficKey])
        return out
    }

    /// A program's `env:`: names passed through from warroom's environment
    /// (`[DEPLOY_TOKEN, KUBECONFIG]`), or `NAME: value` set in the config
    /// (a list item or a mapping). Nothing else of warroom's environment reaches the program.
    private static func readEnv(_ c: YAMLReader.Map, _ r: YAMLReader) -> [ChildEnv] {
        guard let node = c.node("env") else { return [] }
        let field = c.field("env")
        func valid(_ name: String) -> Bool { name.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil }
        var out: [ChildEnv] = []
        func entry(_ key: Node, _ value: Node?, at path: String) {
            guard let name = key.scalar?.string, valid(name) else {
                r.fail(key, path, "expected an environment variable name, got '\(key.scalar?.string ?? YAMLReader.kind(key))'")
                return
            }
            guard let value else {
                out.append(.pass(name))
                return
            }
            guard let text = value.scalar?.string else {
                r.fail(value, path, "expected a value for \(name) (a string)")
                return
            }
            out.append(.set(name, text))
        }
        if let list = node.sequence {
            for (i, item) in list.enumerated() {
                if let pairs = item.mapping {
                    for (k, v) in pairs { entry(k, v, at: "\(field)[\(i)]") }
                } else {
                    entry(item, nil, at: "\(field)[\(i)]")
                }
            }
        } else if let pairs = node.mapping {
            for (k, v) in pairs { entry(k, v, at: "\(field).\(k.scalar?.string ?? "?")") }
        } else {
            r.fail(node, field, "expected a list of variable names to pass through, e.g. [DEPLOY_TOKEN, KUBECONFIG], or NAME: value pairs")
        }
        return out
    }

    /// `program: [argv…]` or `webhook: {method, url, body, headers_from_env}`, with `timeout`.
    private static func readSpec(_ c: YAMLReader.Map, _ r: YAMLReader) -> CommandSpec? {
        let timeout = c.duration("timeout") ?? 30
        let hasProgram = c.has("program")
        let hasWebhook = c.has("webhook")
        if hasProgram == hasWebhook {
            r.fail(c.node, c.path, "give exactly one of program: [argv…] or webhook: {method, url, body}")
        }
        var out: CommandSpec?
        if hasProgram, let list = c.sequence("program", what: "the program and its arguments, e.g. [/usr/local/bin/deploy, --traffic, \"{percent}\"]")
        {
            var argv: [String] = []
            for (i, node) in list.enumerated() {
                if let s = node.scalar?.string { argv.append(s) } else { r.fail(node, c.field("program[\(i)]"), "expected a string argument") }
            }
            if argv.isEmpty || argv[0].isEmpty {
                r.fail(c.node("program"), c.field("program"), "needs the program to run as its first element")
            } else {
                out = .program(argv: argv, timeout: timeout, env: readEnv(c, r))
            }
        } else if c.has("env") {
            r.fail(c.node("env"), c.field("env"), "env: is for a program (a webhook reads its secrets through headers_from_env and url_env)")
        }
        if hasWebhook, let w = c.map("webhook") {
            let method = w.oneOf("method", ["POST", "PUT", "PATCH", "GET", "DELETE"]) ?? "POST"
            // The URL, or where it is kept when it is a secret in itself (a chat webhook).
            let literal = w.string("url")
            let urlEnv = w.string("url_env")
            let urlFile = w.string("url_file")
            let given = [literal != nil, urlEnv != nil, urlFile != nil].filter { $0 }.count
            if given == 0 { w.missing("url", "the http:// or https:// address to call (or url_env / url_file when the URL is itself a secret)") }
            if given > 1 { r.fail(w.node, w.path, "give one of url, url_env or url_file") }
            var url: WebhookURL?
            if let literal { url = .literal(literal) }
            if let urlEnv {
                if urlEnv.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil {
                    url = .secret(.env(urlEnv))
                } else {
                    r.fail(w.node("url_env"), w.field("url_env"), "expected the NAME of an environment variable holding the URL")
                }
            }
            if let urlFile { url = .secret(.file(urlFile)) }
            let body = w.string("body")
            // Header values come from the environment, never from the file.
            var headers: [String: String] = [:]
            if let h = w.map("headers_from_env", what: "header names mapped to environment variable names") {
                for (keyNode, valueNode) in h.node.mapping ?? [:] {
                    guard let header = keyNode.scalar?.string else { continue }
                    _ = h.node(header)
                    guard let env = valueNode.scalar?.string,
                        env.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil
                    else {
                        r.fail(
                            valueNode, h.field(header),
                            "expected the NAME of an environment variable holding the value (the value itself never goes in the file)")
                        continue
                    }
                    headers[header] = env
                }
                h.finish(valid: [])
            }
            w.finish(valid: ["method", "url", "url_env", "url_file", "body", "headers_from_env"])
            if let literal,
                URL(string: literal.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: ""))?.scheme.map({
                    ["http", "https"].contains($0)
                }) != true
            {
                r.fail(w.node("url"), w.field("url"), "expected an http:// or https:// URL, got '\(Redact.url(literal))'")
            } else if let literal, Redact.hasUserinfo(literal) {
                r.fail(
                    w.node("url"), w.field("url"),
                    "a user name or password in the URL (\(Redact.url(literal))) is refused: send credentials with headers_from_env, or keep the whole URL secret with url_env / url_file"
                )
            } else if let url, given == 1 {
                out = .webhook(method: method, url: url, body: body, headers: headers, timeout: timeout)
            }
        }
        return out
    }
}
