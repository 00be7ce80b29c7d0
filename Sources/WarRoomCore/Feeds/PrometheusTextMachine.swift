import Foundation

// The line-by-line state machine behind PrometheusTextParser.parse.
//
// Lines are found with memchr and parsed in place over the UTF-8 bytes.
// Names and label values are interned (PrometheusTextSupport.swift), so the
// structural checks (duplicate series, histogram groups, interleaving) work
// on small integer ids; errors are thrown as soon as they are known.

extension PrometheusTextParser {
    /// What a sample line is within its family.
    enum Role: UInt8 {
        case value, total, created, count, sum, bucket, gcount, gsum, info, quantile
        var bit: UInt16 { 1 << UInt16(rawValue) }
    }

    struct FamilyInfo {
        var line: Int
        var type: MetricFamilyType
    }

    /// The family being read.
    struct FamilyState {
        var name: String = ""
        var nameID: Int32 = -1
        var type: MetricFamilyType = .unknown
        var typeLine = 0
        var help: String?
        var helpLine = 0
        var unit: String?
        var unitLine = 0
        var firstLine = 0
        var samples: [MetricSample] = []
        /// Are this family's samples kept (see `PrometheusTextParser.parse(_:format:keeping:)`)?
        var kept = true
        var roleIDs: [Int32] = []
        var roles: [Role] = []
        var rolesReady = false
        /// 0.0.4: every name + label set, to reject duplicates.
        var series = KeyTable()
        /// 0.0.4: histogram/summary series (labels minus le/quantile);
        /// OpenMetrics: every Metric seen, to reject interleaving.
        var groups = KeyTable()
        var groupStates: [GroupState] = []
    }

    /// 0.0.4: one histogram or summary series.
    struct GroupState {
        var lastLine: Int
        var hasBound = false
        var lastBound = -Double.infinity
        var lastBoundID: Int32 = -1
        var lastBucketCount = 0.0
        var infCount: Double?
        var count: Double?
    }

    /// OpenMetrics: the MetricPoint being read.
    struct PointState {
        var active = false
        var group = -1
        var groupHash: UInt64 = 0
        var timestamp: Double?
        var firstLine = 0
        var lastLine = 0
        var seen: UInt16 = 0
        var seenLines: [Int] = Array(repeating: 0, count: 10)
        var hasBucket = false
        var lastLe = -Double.infinity
        var lastLeID: Int32 = -1
        var lastBucketCount = 0.0
        var lastBucketLine = 0
        var infCount: Double?
        var negativeBucket = false
        var count: Double?
        var countLine = 0
        var sum: Double?
        var sumLine = 0
        var quantiles: [Double] = []
        var states: [Int32] = []

        mutating func start(group: Int, hash: UInt64, timestamp: Double?, line: Int) {
            active = true
            self.group = group
            groupHash = hash
            self.timestamp = timestamp
            firstLine = line
            lastLine = line
            seen = 0
            hasBucket = false
            lastLe = -.infinity
            lastLeID = -1
            lastBucketCount = 0
            lastBucketLine = 0
            infCount = nil
            negativeBucket = false
            count = nil
            countLine = 0
            sum = nil
            sumLine = 0
            quantiles.removeAll(keepingCapacity: true)
            states.removeAll(keepingCapacity: true)
        }
    }

    struct Machine {
        let p: UnsafePointer<UInt8>
        let n: Int
        let om: Bool
        var line = 0
        var interner = Interner()
        var families: [MetricFamily] = []
        var familyInfo: [Int32: FamilyInfo] = [:]
        /// OpenMetrics: every sample name a closed family could produce → that family.
        var claimed: [Int32: Int32] = [:]
        var fam = FamilyState()
        var famOpen = false
        var point = PointState()
        var sawEOF = false
        /// Label pairs (name id << 32 | value id) of the line being read;
        /// an exemplar's labels follow the sample's.
        var pairs: [UInt64] = []
        var scratch: [UInt8] = []
        /// Label names of a line with very many labels (see hasLabel).
        var labelNames = Set<Int32>()
        var labelNamesFrom = -1
        let leID: Int32
        let quantileID: Int32

        /// Only these families are kept (all are still checked); nil keeps all.
        var keeping: Set<String>?

        init(base: UnsafePointer<UInt8>, count: Int, openMetrics: Bool) {
            p = base
            n = count
            om = openMetrics
            var interner = Interner()
            leID = interner.intern(Array("le".utf8), validate: false) ?? -1
            quantileID = interner.intern(Array("quantile".utf8), validate: false) ?? -1
            self.interner = interner
        }

        // MARK: Driver

        mutating func run() throws(ExpositionError) -> [MetricFamily] {
            var start = 0
            let raw = UnsafeRawPointer(p)
            while start < n {
                line += 1
                let end: Int
                let terminated: Bool
                if let hit = memchr(raw + start, 0x0A, n - start) {
                    end = raw.distance(to: UnsafeRawPointer(hit))
                    terminated = true
                } else {
                    end = n
                    terminated = false
                }
                if om {
                    try omLine(start, end, terminated: terminated)
                } else {
                    try promLine(start, end, terminated: terminated)
                }
                start = end + 1
            }
            if om && !sawEOF {
                throw ExpositionError(line: line + 1, reason: "missing \"# EOF\" at the end of the exposition")
            }
            try closeFamily()
            return families
        }

        func fail(_ reason: String) -> ExpositionError { ExpositionError(line: line, reason: reason) }

        func text(_ start: Int, _ end: Int) -> String {
            String(decoding: UnsafeBufferPointer(start: p + start, count: max(0, end - start)), as: UTF8.self)
        }

        /// A token quoted for an error message, with a CR called out.
        func quoted(_ start: Int, _ end: Int) -> String {
            let body = text(start, end).replacingOccurrences(of: "\r", with: "\\r")
            return "\"\(body)\""
        }

        /// Extra explanation when a token was spoiled by a CRLF line ending.
        func crlfHint(_ tokenEnd: Int, _ lineEnd: Int) -> String {
            tokenEnd == lineEnd && tokenEnd > 0 && p[tokenEnd - 1] == 0x0D
                ? " (carriage return before the line feed: CRLF line endings are not allowed)" : ""
        }

        func character(at i: Int, _ e: Int) -> String {
            guard i < e else { return "end of line" }
            let b = p[i]
            switch b {
            case 0x0D: return "carriage return"
            case 0x09: return "tab"
            case 0x20 ..< 0x7F: return "'\(Character(Unicode.Scalar(b)))'"
            default: return "byte 0x" + String(b, radix: 16, uppercase: true)
            }
        }

        @inline(__always) func skipBlanks(_ i: Int, _ e: Int) -> Int {
            var i = i
            while i < e && PrometheusTextParser.isBlank(p[i]) { i += 1 }
            return i
        }

        @inline(__always) func scanName(_ i: Int, _ e: Int) -> Int {
            var i = i
            guard i < e, PrometheusTextParser.isNameStart(p[i]) else { return i }
            i += 1
            while i < e && PrometheusTextParser.isNameChar(p[i]) { i += 1 }
            return i
        }

        @inline(__always) func scanLabelName(_ i: Int, _ e: Int) -> Int {
            var i = i
            guard i < e, PrometheusTextParser.isLabelStart(p[i]) else { return i }
            i += 1
            while i < e && PrometheusTextParser.isLabelChar(p[i]) { i += 1 }
            return i
        }

        /// Interns ASCII name bytes (already validated by the grammar).
        mutating func internName(_ start: Int, _ end: Int) -> Int32 {
            interner.intern(p + start, end - start, validate: false) ?? -1
        }

        func string(_ id: Int32) -> String { interner.strings[Int(id)] }

        func startsWithBOM(_ i: Int, _ e: Int) -> Bool {
            line == 1 && i == 0 && e >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF
        }

        // MARK: 0.0.4 lines

        mutating func promLine(_ s: Int, _ e: Int, terminated: Bool) throws(ExpositionError) {
            let i = skipBlanks(s, e)
            if i == e { return }  // empty or blank line
            if !terminated {
                throw fail("unexpected end of input: the last line does not end with a line feed")
            }
            if p[i] == 0x23 {
                try promComment(i + 1, e)
            } else {
                try promSample(i, e)
            }
        }

        mutating func promComment(_ s: Int, _ e: Int) throws(ExpositionError) {
            var i = skipBlanks(s, e)
            if i == e { return }
            let keywordStart = i
            while i < e && !PrometheusTextParser.isBlank(p[i]) { i += 1 }
            if i == e { return }
            let isHelp = PrometheusTextParser.matches(p + keywordStart, i - keywordStart, "HELP")
            let isType = PrometheusTextParser.matches(p + keywordStart, i - keywordStart, "TYPE")
            guard isHelp || isType else { return }  // an ordinary comment
            let keyword = isHelp ? "HELP" : "TYPE"
            i = skipBlanks(i, e)
            let nameStart = i
            i = scanName(i, e)
            if i == e { return }  // "# HELP name" without text is ignored, as by Prometheus
            guard PrometheusTextParser.isBlank(p[i]) else {
                throw fail("invalid metric name in \(keyword) line")
            }
            let nameID = internName(nameStart, i)
            try promOpenFamily(nameID)
            i = skipBlanks(i, e)
            if i == e { return }
            if isHelp {
                if fam.helpLine != 0 {
                    throw fail("second HELP line for metric name \"\(fam.name)\" (the first is on line \(fam.helpLine))")
                }
                if !fam.samples.isEmpty {
                    throw fail("HELP line for \"\(fam.name)\" after its samples (HELP and TYPE must come first)")
                }
                fam.help = try helpText(i, e)
                fam.helpLine = line
            } else {
                if fam.typeLine != 0 {
                    throw fail("second TYPE line for metric name \"\(fam.name)\" (the first is on line \(fam.typeLine))")
                }
                if !fam.samples.isEmpty {
                    throw fail("TYPE line for \"\(fam.name)\" after its samples (TYPE must come before the first sample)")
                }
                let count = e - i
                let word = p + i
                let type: MetricFamilyType
                if PrometheusTextParser.matchesLowercase(word, count, "counter") {
                    type = .counter
                } else if PrometheusTextParser.matchesLowercase(word, count, "gauge") {
                    type = .gauge
                } else if PrometheusTextParser.matchesLowercase(word, count, "histogram") {
                    type = .histogram
                } else if PrometheusTextParser.matchesLowercase(word, count, "summary") {
                    type = .summary
                } else if PrometheusTextParser.matchesLowercase(word, count, "untyped") {
                    type = .unknown
                } else {
                    let hint = crlfHint(e, e)
                    throw fail(
                        "unknown metric type \(quoted(i, e))"
                            + (hint.isEmpty ? " (expected counter, gauge, histogram, summary or untyped)" : hint))
                }
                fam.type = type
                fam.typeLine = line
                fam.rolesReady = false
            }
        }

        /// A HELP text with 0.0.4 escapes (`\\` and `\n` only).
        mutating func helpText(_ s: Int, _ e: Int) throws(ExpositionError) -> String {
            scratch.removeAll(keepingCapacity: true)
            var i = s
            while i < e {
                let b = p[i]
                if b == 0x5C {
                    i += 1
                    guard i < e else { throw fail("HELP text ends with an unfinished escape sequence '\\'") }
                    switch p[i] {
                    case 0x5C: scratch.append(0x5C)
                    case 0x6E: scratch.append(0x0A)
                    default:
                        throw fail("invalid escape sequence '\\\(text(i, i + 1))' in HELP text (only \\\\ and \\n are allowed)")
                    }
                } else {
                    scratch.append(b)
                }
                i += 1
            }
            guard let help = String(validating: scratch, as: UTF8.self) else {
                throw fail("HELP text is not valid UTF-8")
            }
            return help
        }

        mutating func promSample(_ s: Int, _ e: Int) throws(ExpositionError) {
            var i = scanName(s, e)
            if i == s {
                throw fail(
                    startsWithBOM(s, e)
                        ? "invalid metric name (the input starts with a byte order mark)"
                        : "invalid metric name")
            }
            let nameID = internName(s, i)
            i = skipBlanks(i, e)
            pairs.removeAll(keepingCapacity: true)
            labelNamesFrom = -1
            if i < e && p[i] == 0x7B {
                i = try promLabels(i + 1, e, nameID: nameID)
            }
            let valueStart = i
            while i < e && !PrometheusTextParser.isBlank(p[i]) { i += 1 }
            let parsed = PrometheusTextParser.parseNumber(p, valueStart, i, allowSpecial: true)
            guard case .value(let value) = parsed else {
                if valueStart == e {
                    throw fail("missing value for \"\(string(nameID))\"")
                }
                if case .outOfRange = parsed {
                    throw fail("value \(quoted(valueStart, i)) is outside the range of a 64-bit float")
                }
                throw fail("expected float as value, got \(quoted(valueStart, i))" + crlfHint(i, e))
            }
            var timestamp: Double?
            if i < e {
                i = skipBlanks(i, e)
                if i == e { throw fail("trailing whitespace after the value") }
                let tsStart = i
                while i < e && !PrometheusTextParser.isBlank(p[i]) { i += 1 }
                guard let ms = PrometheusTextParser.parseInt64(p, tsStart, i) else {
                    throw fail("expected integer as timestamp (milliseconds), got \(quoted(tsStart, i))" + crlfHint(i, e))
                }
                timestamp = Double(ms)
                if i < e {
                    let rest = i
                    i = skipBlanks(i, e)
                    if i == e { throw fail("trailing whitespace after the timestamp") }
                    throw fail("unexpected text after the timestamp: \(quoted(rest, e))")
                }
            }
            let role = try promResolve(nameID)
            try addSample(
                nameID: nameID, role: role, value: value, timestamp: timestamp, labelEnd: pairs.count,
                exemplarValue: nil, exemplarTimestamp: nil)
        }

        /// Reads a 0.0.4 label set after "{"; returns the index after "}" and any blanks.
        mutating func promLabels(_ s: Int, _ e: Int, nameID: Int32) throws(ExpositionError) -> Int {
            var i = s
            while true {
                i = skipBlanks(i, e)
                guard i < e else { throw fail("unexpected end of line in the label set of \"\(string(nameID))\"") }
                if p[i] == 0x7D {
                    i += 1
                    break
                }
                let nameStart = i
                i = scanLabelName(i, e)
                if i == nameStart {
                    throw fail("invalid label name for metric \"\(string(nameID))\" (found \(character(at: i, e)))")
                }
                let nameEnd = i
                i = skipBlanks(i, e)
                guard i < e, p[i] == 0x3D else {
                    throw fail("expected '=' after label name \"\(text(nameStart, nameEnd))\", found \(character(at: i, e))")
                }
                i += 1
                if PrometheusTextParser.matches(p + nameStart, nameEnd - nameStart, "__name__") {
                    throw fail("label name \"__name__\" is reserved")
                }
                let labelID = internName(nameStart, nameEnd)
                try checkDuplicateLabel(labelID, from: 0, metric: nameID)
                i = skipBlanks(i, e)
                guard i < e, p[i] == 0x22 else {
                    throw fail("expected '\"' at start of the value of label \"\(string(labelID))\", found \(character(at: i, e))")
                }
                let (valueID, next) = try labelValue(i + 1, e, labelID: labelID)
                pairs.append(PrometheusTextParser.pair(labelID, valueID))
                noteLabel(labelID, from: 0)
                i = skipBlanks(next, e)
                guard i < e else { throw fail("unexpected end of line in the label set of \"\(string(nameID))\"") }
                if p[i] == 0x2C {
                    i += 1
                    continue
                }
                if p[i] == 0x7D {
                    i += 1
                    break
                }
                throw fail("expected ',' or '}' after the value of label \"\(string(labelID))\", found \(character(at: i, e))")
            }
            return skipBlanks(i, e)
        }

        mutating func checkDuplicateLabel(_ labelID: Int32, from start: Int, metric nameID: Int32) throws(ExpositionError) {
            if hasLabel(labelID, from: start) {
                throw fail("duplicate label name \"\(string(labelID))\" for metric \"\(string(nameID))\"")
            }
        }

        /// Whether `pairs[start...]` already has a label called `labelID`.
        /// Linear for ordinary label sets; a set once a line has very many.
        mutating func hasLabel(_ labelID: Int32, from start: Int) -> Bool {
            let count = pairs.count - start
            if count <= 32 {
                var k = start
                while k < pairs.count {
                    if Int32(truncatingIfNeeded: pairs[k] >> 32) == labelID { return true }
                    k += 1
                }
                return false
            }
            if count == 33 || labelNamesFrom != start {
                labelNames.removeAll(keepingCapacity: true)
                for k in start ..< pairs.count { labelNames.insert(Int32(truncatingIfNeeded: pairs[k] >> 32)) }
                labelNamesFrom = start
            }
            return labelNames.contains(labelID)
        }

        /// After appending a label to `pairs`, keeps `labelNames` in step.
        mutating func noteLabel(_ labelID: Int32, from start: Int) {
            if pairs.count - start > 33 && labelNamesFrom == start { labelNames.insert(labelID) }
        }

        /// Reads a quoted label value whose opening quote is before `s`;
        /// returns its id and the index after the closing quote.
        mutating func labelValue(_ s: Int, _ e: Int, labelID: Int32) throws(ExpositionError) -> (Int32, Int) {
            var j = s
            while j < e && p[j] != 0x22 && p[j] != 0x5C { j += 1 }
            guard j < e else {
                throw fail("unterminated value of label \"\(string(labelID))\" (no closing '\"' before the end of the line)")
            }
            if p[j] == 0x22 {
                guard let id = interner.intern(p + s, j - s, validate: true) else {
                    throw fail("value of label \"\(string(labelID))\" is not valid UTF-8")
                }
                return (id, j + 1)
            }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(start: p + s, count: j - s))
            while true {
                guard j < e else {
                    throw fail("unterminated value of label \"\(string(labelID))\" (no closing '\"' before the end of the line)")
                }
                let b = p[j]
                if b == 0x22 { break }
                if b == 0x5C {
                    j += 1
                    guard j < e else {
                        throw fail("unterminated value of label \"\(string(labelID))\" (no closing '\"' before the end of the line)")
                    }
                    switch p[j] {
                    case 0x5C: scratch.append(0x5C)
                    case 0x22: scratch.append(0x22)
                    case 0x6E: scratch.append(0x0A)
                    default:
                        if om {
                            // OpenMetrics ABNF: `BS normal-char` is allowed and kept as written.
                            scratch.append(0x5C)
                            scratch.append(p[j])
                        } else {
                            throw fail(
                                "invalid escape sequence '\\\(text(j, j + 1))' in the value of label "
                                    + "\"\(string(labelID))\" (only \\\\, \\\" and \\n are allowed)")
                        }
                    }
                } else {
                    scratch.append(b)
                }
                j += 1
            }
            guard let id = interner.intern(scratch, validate: true) else {
                throw fail("value of label \"\(string(labelID))\" is not valid UTF-8")
            }
            return (id, j + 1)
        }

        /// Which family a 0.0.4 sample belongs to; opens a new one if needed.
        mutating func promResolve(_ nameID: Int32) throws(ExpositionError) -> Role {
            if famOpen {
                ensureRoles()
                for k in fam.roleIDs.indices where fam.roleIDs[k] == nameID { return fam.roles[k] }
                if nameID == fam.nameID {
                    throw fail(
                        "sample name \"\(fam.name)\" is not valid for histogram \"\(fam.name)\" "
                            + "(expected \(fam.name)_bucket, \(fam.name)_sum or \(fam.name)_count)")
                }
            }
            if let info = familyInfo[nameID] {
                throw notContiguous(string(nameID), info.line)
            }
            let name = Array(interner.bytes(nameID))
            for suffix in ["_bucket", "_count", "_sum"] where name.count > suffix.utf8.count {
                guard name.suffix(suffix.utf8.count).elementsEqual(suffix.utf8) else { continue }
                guard let base = interner.find(Array(name.dropLast(suffix.utf8.count))),
                    let info = familyInfo[base],
                    info.type == .histogram || (info.type == .summary && suffix != "_bucket")
                else { continue }
                throw notContiguous(string(base), info.line)
            }
            try closeFamily()
            openFamily(nameID)
            return .value
        }

        mutating func promOpenFamily(_ nameID: Int32) throws(ExpositionError) {
            if famOpen && fam.nameID == nameID { return }
            if let info = familyInfo[nameID] {
                throw notContiguous(string(nameID), info.line)
            }
            try closeFamily()
            openFamily(nameID)
        }

        func notContiguous(_ name: String, _ first: Int) -> ExpositionError {
            fail(
                "metric family \"\(name)\" is not contiguous: it already appeared on line \(first) "
                    + "and other families came in between (all lines of a family must form one group)")
        }

        // MARK: OpenMetrics lines

        mutating func omLine(_ s: Int, _ e: Int, terminated: Bool) throws(ExpositionError) {
            if sawEOF { throw fail("content after \"# EOF\" (it must be the last line)") }
            if e > s && p[e - 1] == 0x0D {
                throw fail("carriage return at the end of the line (CRLF line endings are not allowed in OpenMetrics)")
            }
            if s == e { throw fail("blank lines are not allowed in OpenMetrics") }
            if startsWithBOM(s, e) { throw fail("byte order marks are not allowed in OpenMetrics") }
            if p[s] == 0x23 {
                try omComment(s, e, terminated: terminated)
                return
            }
            if !terminated {
                throw fail("missing \"# EOF\": the exposition ends with a line that has no line feed")
            }
            try omSample(s, e)
        }

        mutating func omComment(_ s: Int, _ e: Int, terminated: Bool) throws(ExpositionError) {
            if PrometheusTextParser.matches(p + s, e - s, "# EOF") {
                try closeFamily()
                sawEOF = true
                return
            }
            if e - s > 5 && PrometheusTextParser.matches(p + s, 5, "# EOF") {
                throw fail("invalid \"# EOF\" line: nothing may follow \"# EOF\" on its line")
            }
            let keywordOK = e - s > 7 && p[s + 1] == 0x20 && p[s + 6] == 0x20
            let isType = keywordOK && PrometheusTextParser.matches(p + s + 2, 4, "TYPE")
            let isHelp = keywordOK && PrometheusTextParser.matches(p + s + 2, 4, "HELP")
            let isUnit = keywordOK && PrometheusTextParser.matches(p + s + 2, 4, "UNIT")
            guard isType || isHelp || isUnit else {
                throw fail(
                    "invalid line starting with '#': OpenMetrics allows no comments, only "
                        + "\"# TYPE\", \"# HELP\", \"# UNIT\" and \"# EOF\" lines")
            }
            let keyword = isType ? "TYPE" : isHelp ? "HELP" : "UNIT"
            if !terminated {
                throw fail("missing \"# EOF\": the exposition ends with a line that has no line feed")
            }
            let nameStart = s + 7
            var i = scanName(nameStart, e)
            guard i > nameStart, i < e, p[i] == 0x20 else {
                if i > nameStart && i == e {
                    throw fail(
                        "\(keyword) line for \"\(text(nameStart, i))\" is missing a space and its "
                            + (isType ? "type" : isHelp ? "text" : "unit"))
                }
                throw fail("invalid metric name in \(keyword) line")
            }
            if p[nameStart] == 0x5F {
                throw fail("metric family names beginning with '_' are reserved in OpenMetrics")
            }
            let nameID = internName(nameStart, i)
            try omOpenFamily(nameID)
            i += 1
            if isType {
                if fam.typeLine != 0 {
                    throw fail("second TYPE line for metric family \"\(fam.name)\" (the first is on line \(fam.typeLine))")
                }
                if !fam.samples.isEmpty {
                    throw fail("TYPE line for \"\(fam.name)\" after its samples (metadata must come first)")
                }
                let word = p + i
                let count = e - i
                let type: MetricFamilyType
                if PrometheusTextParser.matches(word, count, "counter") {
                    type = .counter
                } else if PrometheusTextParser.matches(word, count, "gauge") {
                    type = .gauge
                } else if PrometheusTextParser.matches(word, count, "histogram") {
                    type = .histogram
                } else if PrometheusTextParser.matches(word, count, "gaugehistogram") {
                    type = .gaugehistogram
                } else if PrometheusTextParser.matches(word, count, "stateset") {
                    type = .stateset
                } else if PrometheusTextParser.matches(word, count, "info") {
                    type = .info
                } else if PrometheusTextParser.matches(word, count, "summary") {
                    type = .summary
                } else if PrometheusTextParser.matches(word, count, "unknown") {
                    type = .unknown
                } else {
                    throw fail(
                        "unknown metric type \(quoted(i, e)) (expected counter, gauge, histogram, "
                            + "gaugehistogram, stateset, info, summary or unknown)")
                }
                fam.type = type
                fam.typeLine = line
                fam.rolesReady = false
            } else if isHelp {
                if fam.helpLine != 0 {
                    throw fail("second HELP line for metric family \"\(fam.name)\" (the first is on line \(fam.helpLine))")
                }
                if !fam.samples.isEmpty {
                    throw fail("HELP line for \"\(fam.name)\" after its samples (metadata must come first)")
                }
                let help = try omHelpText(i, e)
                fam.help = help.isEmpty ? nil : help
                fam.helpLine = line
            } else {
                if fam.unitLine != 0 {
                    throw fail("second UNIT line for metric family \"\(fam.name)\" (the first is on line \(fam.unitLine))")
                }
                if !fam.samples.isEmpty {
                    throw fail("UNIT line for \"\(fam.name)\" after its samples (metadata must come first)")
                }
                var k = i
                while k < e && PrometheusTextParser.isNameChar(p[k]) { k += 1 }
                guard k == e else { throw fail("invalid unit \(quoted(i, e)) (only [a-zA-Z0-9_:] are allowed)") }
                fam.unit = i == e ? nil : text(i, e)
                fam.unitLine = line
            }
        }

        /// An OpenMetrics escaped-string: `\\`, `\"`, `\n`; any other
        /// backslash pair is kept as written.
        mutating func omHelpText(_ s: Int, _ e: Int) throws(ExpositionError) -> String {
            scratch.removeAll(keepingCapacity: true)
            var i = s
            while i < e {
                let b = p[i]
                if b == 0x22 { throw fail("unescaped '\"' in HELP text (write \\\")") }
                if b == 0x5C {
                    i += 1
                    guard i < e else { throw fail("HELP text ends with an unfinished escape sequence '\\'") }
                    switch p[i] {
                    case 0x5C: scratch.append(0x5C)
                    case 0x22: scratch.append(0x22)
                    case 0x6E: scratch.append(0x0A)
                    default:
                        scratch.append(0x5C)
                        scratch.append(p[i])
                    }
                } else {
                    scratch.append(b)
                }
                i += 1
            }
            guard let help = String(validating: scratch, as: UTF8.self) else {
                throw fail("HELP text is not valid UTF-8")
            }
            return help
        }

        mutating func omOpenFamily(_ nameID: Int32) throws(ExpositionError) {
            if famOpen && fam.nameID == nameID { return }
            if let info = familyInfo[nameID] {
                throw fail(
                    "metric family \"\(string(nameID))\" appears again (first on line \(info.line)); "
                        + "metric families must not be interleaved")
            }
            try closeFamily()
            openFamily(nameID)
        }

        mutating func omSample(_ s: Int, _ e: Int) throws(ExpositionError) {
            var i = scanName(s, e)
            if i == s {
                throw fail(
                    PrometheusTextParser.isBlank(p[s])
                        ? "leading whitespace is not allowed in OpenMetrics"
                        : "invalid metric name")
            }
            let nameID = internName(s, i)
            pairs.removeAll(keepingCapacity: true)
            labelNamesFrom = -1
            if i < e && p[i] == 0x7B {
                i = try omLabels(i + 1, e, from: 0, owner: nameID)
            }
            guard i < e else { throw fail("missing value for \"\(string(nameID))\"") }
            guard p[i] == 0x20 else {
                throw fail("expected a space before the value of \"\(string(nameID))\", found \(character(at: i, e))")
            }
            i += 1
            let valueStart = i
            while i < e && p[i] != 0x20 { i += 1 }
            if i == valueStart {
                throw fail(
                    i == e
                        ? "missing value for \"\(string(nameID))\""
                        : "more than one space before the value (OpenMetrics separates tokens by a single space)")
            }
            let parsed = PrometheusTextParser.parseNumber(p, valueStart, i, allowSpecial: true)
            guard case .value(let value) = parsed else {
                if case .outOfRange = parsed {
                    throw fail("value \(quoted(valueStart, i)) is outside the range of a 64-bit float")
                }
                throw fail("invalid value \(quoted(valueStart, i))")
            }
            let labelEnd = pairs.count
            var timestamp: Double?
            var exemplarValue: Double?
            var exemplarTimestamp: Double?
            if i < e {
                i += 1
                if i == e { throw fail("trailing space after the value") }
                if p[i] != 0x23 {
                    let tsStart = i
                    while i < e && p[i] != 0x20 { i += 1 }
                    if i == tsStart {
                        throw fail("more than one space after the value (OpenMetrics separates tokens by a single space)")
                    }
                    guard case .value(let ts) = PrometheusTextParser.parseNumber(p, tsStart, i, allowSpecial: false) else {
                        throw fail("invalid timestamp \(quoted(tsStart, i)) (expected seconds since the epoch)")
                    }
                    timestamp = ts
                    if i < e {
                        i += 1
                        if i == e { throw fail("trailing space after the timestamp") }
                        if p[i] != 0x23 { throw fail("unexpected text after the timestamp: \(quoted(i, e))") }
                    }
                }
                if i < e {
                    (exemplarValue, exemplarTimestamp) = try omExemplar(i, e, labelStart: labelEnd)
                }
            }
            let role = try omResolve(nameID)
            try addSample(
                nameID: nameID, role: role, value: value, timestamp: timestamp, labelEnd: labelEnd,
                exemplarValue: exemplarValue, exemplarTimestamp: exemplarTimestamp)
        }

        /// Reads an OpenMetrics label set after "{" into `pairs` (duplicates
        /// checked from `from`); returns the index after "}".
        mutating func omLabels(_ s: Int, _ e: Int, from: Int, owner ownerID: Int32) throws(ExpositionError) -> Int {
            func owner() -> String { ownerID < 0 ? "the exemplar" : "metric \"\(string(ownerID))\"" }
            var i = s
            if i < e && p[i] == 0x7D { return i + 1 }
            while true {
                let nameStart = i
                i = scanLabelName(i, e)
                if i == nameStart {
                    if i < e && p[i] == 0x7D && from < pairs.count {
                        throw fail("trailing comma in the label set of \(owner()) is not allowed in OpenMetrics")
                    }
                    throw fail("invalid label name in the label set of \(owner()) (found \(character(at: i, e)))")
                }
                guard i < e, p[i] == 0x3D else {
                    throw fail("expected '=' after label name \"\(text(nameStart, i))\", found \(character(at: i, e))")
                }
                if p[nameStart] == 0x5F {
                    throw fail("label names beginning with '_' are reserved in OpenMetrics (\"\(text(nameStart, i))\")")
                }
                let labelID = internName(nameStart, i)
                if hasLabel(labelID, from: from) {
                    throw fail("duplicate label name \"\(string(labelID))\" in the label set of \(owner())")
                }
                i += 1
                guard i < e, p[i] == 0x22 else {
                    throw fail("expected '\"' at start of the value of label \"\(string(labelID))\", found \(character(at: i, e))")
                }
                let (valueID, next) = try labelValue(i + 1, e, labelID: labelID)
                pairs.append(PrometheusTextParser.pair(labelID, valueID))
                noteLabel(labelID, from: from)
                i = next
                guard i < e else { throw fail("unexpected end of line in the label set of \(owner())") }
                if p[i] == 0x2C {
                    i += 1
                    continue
                }
                if p[i] == 0x7D { return i + 1 }
                throw fail("expected ',' or '}' after the value of label \"\(string(labelID))\", found \(character(at: i, e))")
            }
        }

        /// Reads ` # {labels} value [timestamp]` starting at the "#".
        mutating func omExemplar(_ s: Int, _ e: Int, labelStart: Int) throws(ExpositionError) -> (Double, Double?) {
            guard e - s >= 3, p[s + 1] == 0x20, p[s + 2] == 0x7B else {
                throw fail("invalid exemplar: expected \"# {\" after the sample")
            }
            var i = try omLabels(s + 3, e, from: labelStart, owner: -1)
            guard i < e, p[i] == 0x20 else { throw fail("invalid exemplar: expected a space and a value after its labels") }
            i += 1
            let valueStart = i
            while i < e && p[i] != 0x20 { i += 1 }
            guard case .value(let value) = PrometheusTextParser.parseNumber(p, valueStart, i, allowSpecial: true) else {
                throw fail("invalid exemplar value \(quoted(valueStart, i))")
            }
            var timestamp: Double?
            if i < e {
                i += 1
                let tsStart = i
                while i < e && p[i] != 0x20 { i += 1 }
                guard i == e, case .value(let ts) = PrometheusTextParser.parseNumber(p, tsStart, i, allowSpecial: false) else {
                    throw fail("invalid exemplar timestamp \(quoted(tsStart, e))")
                }
                timestamp = ts
            }
            var codePoints = 0
            var k = labelStart
            while k < pairs.count {
                let pair = pairs[k]
                for id in [Int32(truncatingIfNeeded: pair >> 32), Int32(truncatingIfNeeded: pair & 0xFFFF_FFFF)] {
                    for b in interner.bytes(id) where b & 0xC0 != 0x80 { codePoints += 1 }
                }
                k += 1
            }
            if codePoints > 128 {
                throw fail("exemplar labels are \(codePoints) characters long; at most 128 are allowed")
            }
            return (value, timestamp)
        }

        /// Which family an OpenMetrics sample belongs to; opens a new one if needed.
        mutating func omResolve(_ nameID: Int32) throws(ExpositionError) -> Role {
            if famOpen {
                ensureRoles()
                for k in fam.roleIDs.indices where fam.roleIDs[k] == nameID { return fam.roles[k] }
                if nameID == fam.nameID {
                    let expected = fam.roleIDs.map { "\"\(string($0))\"" }.joined(separator: " or ")
                    throw fail(
                        "sample name \"\(fam.name)\" is not valid for the \(fam.type.rawValue) family "
                            + "\"\(fam.name)\" (expected \(expected))")
                }
            }
            if let info = familyInfo[nameID] {
                throw fail(
                    "metric family \"\(string(nameID))\" appears again (first on line \(info.line)); "
                        + "metric families must not be interleaved")
            }
            if let owner = claimed[nameID], let info = familyInfo[owner] {
                throw fail(
                    "sample \"\(string(nameID))\" belongs to the \(info.type.rawValue) family \"\(string(owner))\" "
                        + "(line \(info.line)), which already ended; metric families must not be interleaved")
            }
            if interner.bytes(nameID).first == 0x5F {
                throw fail("metric family names beginning with '_' are reserved in OpenMetrics")
            }
            try closeFamily()
            openFamily(nameID)
            return .value
        }

        // MARK: Families

        mutating func openFamily(_ nameID: Int32) {
            fam = FamilyState()
            fam.name = string(nameID)
            fam.kept = keeping?.contains(fam.name) ?? true
            fam.nameID = nameID
            fam.firstLine = line
            famOpen = true
            familyInfo[nameID] = FamilyInfo(line: line, type: .unknown)
            point.active = false
        }

        /// The sample names of the open family and what each one is.
        mutating func ensureRoles() {
            guard !fam.rolesReady else { return }
            let list: [(String, Role)]
            switch (om, fam.type) {
            case (false, .summary): list = [("", .quantile), ("_sum", .sum), ("_count", .count)]
            case (false, .histogram): list = [("_bucket", .bucket), ("_sum", .sum), ("_count", .count)]
            case (false, _): list = [("", .value)]
            case (true, .counter): list = [("_total", .total), ("_created", .created)]
            case (true, .summary): list = [("", .quantile), ("_count", .count), ("_sum", .sum), ("_created", .created)]
            case (true, .histogram):
                list = [("_bucket", .bucket), ("_count", .count), ("_sum", .sum), ("_created", .created)]
            case (true, .gaugehistogram): list = [("_bucket", .bucket), ("_gcount", .gcount), ("_gsum", .gsum)]
            case (true, .info): list = [("_info", .info)]
            case (true, _): list = [("", .value)]
            }
            let base = Array(interner.bytes(fam.nameID))
            fam.roleIDs = list.map { interner.intern(base + Array($0.0.utf8), validate: false) ?? -1 }
            fam.roles = list.map { $0.1 }
            fam.rolesReady = true
        }

        mutating func closeFamily() throws(ExpositionError) {
            guard famOpen else { return }
            if om {
                if point.active { try closePoint() }
                if let unit = fam.unit {
                    if fam.type == .info || fam.type == .stateset {
                        throw ExpositionError(
                            line: fam.unitLine,
                            reason:
                                "\(fam.type.rawValue) family \"\(fam.name)\" must not have a unit")
                    }
                    if !fam.name.hasSuffix("_" + unit) {
                        throw ExpositionError(
                            line: fam.unitLine,
                            reason:
                                "unit \"\(unit)\" is not a suffix of the metric family name \"\(fam.name)\" "
                                + "(expected a name ending in \"_\(unit)\")")
                    }
                }
                ensureRoles()
                for id in fam.roleIDs {
                    if let owner = claimed[id], owner != fam.nameID {
                        let ownerType = familyInfo[owner]?.type.rawValue ?? "other"
                        throw ExpositionError(
                            line: fam.firstLine,
                            reason:
                                "metric family \"\(fam.name)\" clashes with the \(ownerType) family \"\(string(owner))\": "
                                + "both could have samples named \"\(string(id))\"")
                    }
                    claimed[id] = fam.nameID
                }
            } else if fam.type == .histogram {
                for g in fam.groupStates.indices where fam.groupStates[g].infCount == nil {
                    throw ExpositionError(
                        line: fam.groupStates[g].lastLine,
                        reason:
                            "histogram \(describe(fam.name, fam.groups.key(g))) has no bucket with le=\"+Inf\"")
                }
            }
            familyInfo[fam.nameID]?.type = fam.type
            if fam.kept {
                families.append(
                    MetricFamily(
                        name: fam.name, type: fam.type, help: fam.help, unit: fam.unit,
                        samples: fam.samples))
            }
            fam = FamilyState()
            famOpen = false
        }

        /// `name{a="b",...}` for messages.
        func describe(_ name: String, _ key: ArraySlice<UInt64>) -> String {
            guard !key.isEmpty else { return name }
            let labels = key.map { pair in
                "\(string(Int32(truncatingIfNeeded: pair >> 32)))=\"\(string(Int32(truncatingIfNeeded: pair & 0xFFFF_FFFF)))\""
            }
            return "\(name){\(labels.joined(separator: ","))}"
        }

        // MARK: Samples

        func labelValueID(_ labelID: Int32, _ end: Int) -> Int32? {
            var k = 0
            while k < end {
                if Int32(truncatingIfNeeded: pairs[k] >> 32) == labelID {
                    return Int32(truncatingIfNeeded: pairs[k] & 0xFFFF_FFFF)
                }
                k += 1
            }
            return nil
        }

        func numberValue(_ id: Int32) -> Double? {
            interner.withBytes(id) { base, count -> Double? in
                guard case .value(let v) = PrometheusTextParser.parseNumber(base, 0, count, allowSpecial: true) else {
                    return nil
                }
                return v
            }
        }

        mutating func addSample(
            nameID: Int32, role: Role, value: Double, timestamp: Double?, labelEnd: Int,
            exemplarValue: Double?, exemplarTimestamp: Double?
        ) throws(ExpositionError) {
            let type = fam.type
            let sampleName = string(nameID)
            var bound = Double.nan
            var boundID: Int32 = -1
            var skip: Int32 = -1

            switch role {
            case .bucket:
                guard let id = labelValueID(leID, labelEnd) else {
                    throw fail("histogram bucket \"\(sampleName)\" has no \"le\" label")
                }
                guard let le = numberValue(id) else {
                    throw fail("expected float as value for the \"le\" label, got \"\(string(id))\"")
                }
                if le.isNaN { throw fail("the \"le\" label of \"\(sampleName)\" must not be NaN") }
                bound = le
                boundID = id
                skip = leID
            case .quantile:
                guard let id = labelValueID(quantileID, labelEnd) else {
                    throw fail("summary sample \"\(sampleName)\" has no \"quantile\" label")
                }
                guard let q = numberValue(id) else {
                    throw fail("expected float as value for the \"quantile\" label, got \"\(string(id))\"")
                }
                if q.isNaN { throw fail("the \"quantile\" label of \"\(sampleName)\" must not be NaN") }
                if om && !(q >= 0 && q <= 1) {
                    throw fail("quantile \"\(string(id))\" is outside 0…1")
                }
                bound = q
                boundID = id
                skip = quantileID
            default:
                if (type == .histogram || type == .gaugehistogram) && labelValueID(leID, labelEnd) != nil {
                    throw fail("the \"le\" label is only allowed on \(fam.name)_bucket samples, not on \"\(sampleName)\"")
                }
                if type == .summary && labelValueID(quantileID, labelEnd) != nil {
                    throw fail("the \"quantile\" label is only allowed on \"\(fam.name)\" quantile samples, not on \"\(sampleName)\"")
                }
            }

            // Values.
            if om {
                switch (type, role) {
                case (.stateset, _):
                    guard labelValueID(fam.nameID, labelEnd) != nil else {
                        throw fail("stateset sample \"\(sampleName)\" has no label named \"\(fam.name)\" for its state")
                    }
                    skip = fam.nameID
                    if value != 0 && value != 1 {
                        throw fail("stateset value must be 0 or 1, got \(value)")
                    }
                case (.info, _):
                    if value != 1 { throw fail("info value must be 1, got \(value)") }
                case (_, .total), (_, .bucket), (_, .count), (_, .gcount), (.summary, .sum), (.histogram, .sum):
                    if value.isNaN { throw fail("\"\(sampleName)\" must not be NaN") }
                    if value < 0 { throw fail("\"\(sampleName)\" must not be negative, got \(value)") }
                    if role != .total && role != .sum && value.rounded() != value {
                        throw fail("\"\(sampleName)\" must be an integer, got \(value)")
                    }
                case (_, .gsum):
                    if value.isNaN { throw fail("\"\(sampleName)\" must not be NaN") }
                case (_, .quantile):
                    if value < 0 { throw fail("quantile values must not be negative, got \(value)") }
                default:
                    break
                }
                if let exemplarValue {
                    guard role == .total || role == .bucket else {
                        throw fail(
                            "exemplars are only allowed on counter _total and histogram _bucket samples, "
                                + "not on \"\(sampleName)\"")
                    }
                    if role == .bucket && !(exemplarValue <= bound) {
                        throw fail("exemplar value \(exemplarValue) is outside its bucket le=\"\(string(boundID))\"")
                    }
                }
            } else {
                switch (type, role) {
                case (.counter, _), (.histogram, .bucket), (.histogram, .count), (.summary, .count):
                    if value < 0 { throw fail("\"\(sampleName)\" must not be negative, got \(value)") }
                default:
                    break
                }
            }

            if om {
                try omTrack(
                    nameID: nameID, role: role, value: value, timestamp: timestamp, labelEnd: labelEnd, skip: skip,
                    bound: bound, boundID: boundID)
            } else {
                try promTrack(
                    nameID: nameID, role: role, value: value, labelEnd: labelEnd, skip: skip,
                    bound: bound, boundID: boundID)
            }

            guard fam.kept else { return }
            var labels: [MetricLabel] = []
            labels.reserveCapacity(labelEnd)
            for k in 0 ..< labelEnd {
                labels.append(
                    MetricLabel(
                        string(Int32(truncatingIfNeeded: pairs[k] >> 32)),
                        string(Int32(truncatingIfNeeded: pairs[k] & 0xFFFF_FFFF))))
            }
            var exemplar: MetricExemplar?
            if let exemplarValue {
                var exemplarLabels: [MetricLabel] = []
                for k in labelEnd ..< pairs.count {
                    exemplarLabels.append(
                        MetricLabel(
                            string(Int32(truncatingIfNeeded: pairs[k] >> 32)),
                            string(Int32(truncatingIfNeeded: pairs[k] & 0xFFFF_FFFF))))
                }
                exemplar = MetricExemplar(labels: exemplarLabels, value: exemplarValue, timestamp: exemplarTimestamp)
            }
            fam.samples.append(
                MetricSample(
                    name: sampleName, labels: labels, value: value, timestamp: timestamp,
                    exemplar: exemplar))
        }

        /// 0.0.4 structure: unique series, histogram and summary order.
        mutating func promTrack(
            nameID: Int32, role: Role, value: Double, labelEnd: Int, skip: Int32,
            bound: Double, boundID: Int32
        ) throws(ExpositionError) {
            let seriesHash = PrometheusTextParser.hashKey(name: nameID, pairs, 0, labelEnd, skipping: -1)
            let (seriesEntry, isNew) = fam.series.findOrInsert(
                hash: seriesHash, name: nameID, pairs, 0, labelEnd,
                skipping: -1, line: line)
            if !isNew {
                throw fail(
                    "duplicate sample \(describe(string(nameID), pairs[0..<labelEnd])): the same name and "
                        + "labels already appeared on line \(fam.series.lines[seriesEntry])")
            }
            guard fam.type == .histogram || fam.type == .summary else { return }
            let groupHash = PrometheusTextParser.hashKey(name: 0, pairs, 0, labelEnd, skipping: skip)
            let (g, inserted) = fam.groups.findOrInsert(
                hash: groupHash, name: 0, pairs, 0, labelEnd,
                skipping: skip, line: line)
            if inserted { fam.groupStates.append(GroupState(lastLine: line)) }
            var state = fam.groupStates[g]
            switch role {
            case .bucket:
                if state.hasBound && !(bound > state.lastBound) {
                    throw fail(
                        "histogram buckets must be in increasing order of \"le\": le=\"\(string(boundID))\" "
                            + "comes after le=\"\(string(state.lastBoundID))\"")
                }
                if state.hasBound && value < state.lastBucketCount {
                    throw fail(
                        "histogram bucket counts must be cumulative: le=\"\(string(boundID))\" has \(value), "
                            + "less than \(state.lastBucketCount) in le=\"\(string(state.lastBoundID))\"")
                }
                state.hasBound = true
                state.lastBound = bound
                state.lastBoundID = boundID
                state.lastBucketCount = value
                state.lastLine = line
                if bound == .infinity {
                    state.infCount = value
                    if let count = state.count, !PrometheusTextParser.sameNumber(count, value) {
                        throw fail("the le=\"+Inf\" bucket (\(value)) differs from \(fam.name)_count (\(count))")
                    }
                }
            case .count:
                state.count = value
                if let inf = state.infCount, !PrometheusTextParser.sameNumber(inf, value) {
                    throw fail("\(fam.name)_count (\(value)) differs from the le=\"+Inf\" bucket (\(inf))")
                }
            case .quantile:
                if state.hasBound && !(bound > state.lastBound) {
                    throw fail(
                        "summary quantiles must be in increasing order: quantile=\"\(string(boundID))\" "
                            + "comes after quantile=\"\(string(state.lastBoundID))\"")
                }
                state.hasBound = true
                state.lastBound = bound
                state.lastBoundID = boundID
            default:
                break
            }
            fam.groupStates[g] = state
        }

        /// OpenMetrics structure: Metrics and MetricPoints not interleaved,
        /// timestamps increasing, no duplicates, histogram rules per point.
        mutating func omTrack(
            nameID: Int32, role: Role, value: Double, timestamp: Double?, labelEnd: Int, skip: Int32,
            bound: Double, boundID: Int32
        ) throws(ExpositionError) {
            let hash = PrometheusTextParser.hashKey(name: 0, pairs, 0, labelEnd, skipping: skip)
            if point.active && point.groupHash == hash
                && fam.groups.matches(point.group, hash: hash, name: 0, pairs, 0, labelEnd, skipping: skip)
            {
                if (timestamp == nil) != (point.timestamp == nil) {
                    throw fail(
                        "samples of \(describe(fam.name, fam.groups.key(point.group))) mix lines with and "
                            + "without timestamps")
                }
                if let timestamp, let previous = point.timestamp {
                    if timestamp < previous {
                        throw fail(
                            "timestamp \(timestamp) of \(describe(fam.name, fam.groups.key(point.group))) goes "
                                + "backwards (previous \(previous)); MetricPoints must not be interleaved")
                    }
                    if timestamp > previous {
                        let group = point.group
                        try closePoint()
                        point.start(group: group, hash: hash, timestamp: timestamp, line: line)
                    }
                }
            } else {
                if point.active { try closePoint() }
                let (g, inserted) = fam.groups.findOrInsert(
                    hash: hash, name: 0, pairs, 0, labelEnd, skipping: skip,
                    line: line)
                if !inserted {
                    throw fail(
                        "metric \(describe(fam.name, fam.groups.key(g))) is interleaved with other metrics: "
                            + "it already appeared on line \(fam.groups.lines[g])")
                }
                point.start(group: g, hash: hash, timestamp: timestamp, line: line)
            }
            point.lastLine = line

            switch role {
            case .bucket:
                if point.hasBucket && !(bound > point.lastLe) {
                    throw fail(
                        "histogram buckets must be in increasing order of \"le\": le=\"\(string(boundID))\" "
                            + "comes after le=\"\(string(point.lastLeID))\"")
                }
                if point.hasBucket && value < point.lastBucketCount {
                    throw fail(
                        "histogram bucket counts must be cumulative: le=\"\(string(boundID))\" has \(value), "
                            + "less than \(point.lastBucketCount) in le=\"\(string(point.lastLeID))\"")
                }
                point.hasBucket = true
                point.lastLe = bound
                point.lastLeID = boundID
                point.lastBucketCount = value
                point.lastBucketLine = line
                if bound < 0 { point.negativeBucket = true }
                if bound == .infinity { point.infCount = value }
            case .quantile:
                if point.quantiles.contains(bound) {
                    throw fail("duplicate quantile=\"\(string(boundID))\" in the same metric point")
                }
                point.quantiles.append(bound)
            case .value where fam.type == .stateset:
                let state = labelValueID(fam.nameID, labelEnd) ?? -1
                if point.states.contains(state) {
                    throw fail("duplicate state \(fam.name)=\"\(string(state))\" in the same metric point")
                }
                point.states.append(state)
            default:
                if point.seen & role.bit != 0 {
                    throw fail(
                        "duplicate sample \(describe(string(nameID), pairs[0..<labelEnd])) "
                            + "in the same metric point (first on line \(point.seenLines[Int(role.rawValue)]))")
                }
                point.seen |= role.bit
                point.seenLines[Int(role.rawValue)] = line
                switch role {
                case .count, .gcount:
                    point.count = value
                    point.countLine = line
                case .sum, .gsum:
                    point.sum = value
                    point.sumLine = line
                default:
                    break
                }
            }
        }

        /// Checks a finished OpenMetrics MetricPoint.
        mutating func closePoint() throws(ExpositionError) {
            guard point.active else { return }
            point.active = false
            var what: String { describe(fam.name, fam.groups.key(point.group)) }
            switch fam.type {
            case .histogram, .gaugehistogram:
                let countName = fam.type == .histogram ? "_count" : "_gcount"
                let sumName = fam.type == .histogram ? "_sum" : "_gsum"
                guard let inf = point.infCount else {
                    throw ExpositionError(
                        line: point.hasBucket ? point.lastBucketLine : point.firstLine,
                        reason:
                            "\(fam.type.rawValue) \(what) has no bucket with le=\"+Inf\"")
                }
                if let count = point.count, count != inf {
                    throw ExpositionError(
                        line: point.countLine,
                        reason:
                            "\(fam.name)\(countName) (\(count)) differs from the le=\"+Inf\" bucket (\(inf))")
                }
                if (point.count == nil) != (point.sum == nil) {
                    let (has, lacks) = point.count == nil ? (sumName, countName) : (countName, sumName)
                    throw ExpositionError(
                        line: max(point.countLine, point.sumLine),
                        reason:
                            "\(fam.type.rawValue) \(what) has \(fam.name)\(has) without \(fam.name)\(lacks); "
                            + "they must appear together")
                }
                if let sum = point.sum {
                    if fam.type == .histogram && point.negativeBucket {
                        throw ExpositionError(
                            line: point.sumLine,
                            reason:
                                "histogram \(what) has negative bucket thresholds, so it must not have \(fam.name)_sum")
                    }
                    if fam.type == .gaugehistogram && sum < 0 && !point.negativeBucket {
                        throw ExpositionError(
                            line: point.sumLine,
                            reason:
                                "\(fam.name)_gsum is negative but no bucket threshold is")
                    }
                }
            case .counter:
                if point.seen & Role.total.bit == 0 {
                    throw ExpositionError(
                        line: point.firstLine,
                        reason:
                            "counter \(what) has no \(fam.name)_total sample")
                }
            default:
                break
            }
        }
    }
}
