import AsyncHTTPClient
public import Foundation

#if canImport(Glibc)
    import Glibc
    import NIOHTTP1
    import NIOCore
#endif

/// A real server (Prometheus, Alertmanager) run by a test on a loopback port.
/// Tests that need one must not pass silently without it: under CI a missing
/// binary is a failure, elsewhere the test says it was skipped.
public final class ServerProcess: Sendable {
    public let pid: pid_t
    public let port: Int
    public let log: String
    public let directory: String

    /// The first of `names` found on PATH (Debian calls Alertmanager `prometheus-alertmanager`).
    public static func find(_ names: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in names {
            for dir in path.split(separator: ":") where access("\(dir)/\(name)", X_OK) == 0 { return "\(dir)/\(name)" }
        }
        return nil
    }

    public static var requireServers: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Start `argv` in the background with output to a log in `directory`.
    public init(_ argv: [String], port: Int, directory: String) throws {
        self.port = port
        self.directory = directory
        log = directory + "/server.log"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO)
        var attr = cleanSpawnAttributes()
        defer { posix_spawnattr_destroy(&attr) }
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = ProcessInfo.processInfo.environment.map { strdup("\($0)=\($1)") } + [nil]
        defer {
            for p in cArgs { free(p) }
            for p in cEnv { free(p) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attr, &cArgs, &cEnv)
        guard rc == 0 else { throw ServerError("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
        self.pid = pid
    }

    /// Wait until `url` answers 200, or fail with the server's log.
    public func waitReady(_ url: String, within seconds: Double = 30) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(1)),
                response.status == .ok
            {
                return
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { throw ServerError("server exited early:\n\(logText)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerError("server not ready at \(url) after \(Int(seconds))s:\n\(logText)")
    }

    public var logText: String { (try? String(contentsOfFile: log, encoding: .utf8)).map { String($0.suffix(3000)) } ?? "(no log)" }

    public func kill(_ signal: Int32 = SIGTERM) {
        Glibc.kill(pid, signal)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }

    deinit {
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
    }
}

public struct ServerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

/// A fresh temporary directory.
public func temporaryDirectory(_ name: String) throws -> String {
    let dir = NSTemporaryDirectory() + "warroom-\(name)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// What to do when a server binary is missing: under CI it is a failure.
public struct MissingServer: Error, CustomStringConvertible {
    public var description: String
}

/// Start Prometheus scraping `targets` every second, on a free loopback port.
/// Nil when it is not installed (outside CI); under CI=true that throws.
public func startPrometheus(scraping targets: [(job: String, address: String, path: String)], port: Int? = nil, directory: String? = nil) throws
    -> ServerProcess?
{
    guard let binary = ServerProcess.find(["prometheus"]) else {
        if ServerProcess.requireServers {
            throw MissingServer(description: "prometheus is not installed, and CI=true requires it (apt-get install prometheus)")
        }
        print("skipped: prometheus is not installed (apt-get install prometheus)")
        return nil
    }
    let dir = try directory ?? temporaryDirectory("prometheus")
    var config = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n"
    for t in targets {
        config += "  - job_name: \(t.job)\n    metrics_path: \(t.path)\n    static_configs:\n      - targets: ['\(t.address)']\n"
    }
    try config.write(toFile: dir + "/prometheus.yml", atomically: true, encoding: .utf8)
    let port = port ?? freePort()
    return try ServerProcess(
        [
            binary, "--config.file=\(dir)/prometheus.yml", "--storage.tsdb.path=\(dir)/data",
            "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
        ], port: port, directory: dir)
}

/// Start Alertmanager alone (no cluster) on a free loopback port.
public func startAlertmanager() throws -> ServerProcess? {
    guard let binary = ServerProcess.find(["alertmanager", "prometheus-alertmanager"]) else {
        if ServerProcess.requireServers {
            throw MissingServer(description: "alertmanager is not installed, and CI=true requires it (apt-get install prometheus-alertmanager)")
        }
        print("skipped: alertmanager is not installed (apt-get install prometheus-alertmanager)")
        return nil
    }
    let dir = try temporaryDirectory("alertmanager")
    try "route:\n  receiver: nobody\n  group_wait: 0s\nreceivers:\n  - name: nobody\n".write(
        toFile: dir + "/alertmanager.yml", atomically: true, encoding: .utf8)
    let port = freePort()
    return try ServerProcess(
        [
            binary, "--config.file=\(dir)/alertmanager.yml", "--storage.path=\(dir)/data",
            "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level=warn",
        ],
        port: port, directory: dir)
}

/// POST JSON and return the status and body.
@discardableResult
public func post(_ url: String, json: String) async throws -> (Int, String) {
    var request = HTTPClientRequest(url: url)
    request.method = .POST
    request.headers.add(name: "Content-Type", value: "application/json")
    request.body = .bytes(.init(string: json))
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
    let body = try await response.body.collect(upTo: 1 << 20)
    return (Int(response.status.code), String(buffer: body))
}

/// GET and return the status and the headers (names lowercased; the body is read and dropped).
public func head(_ url: String) async throws -> (Int, [String: String]) {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
    _ = try await response.body.collect(upTo: 8 << 20)
    var headers: [String: String] = [:]
    for (name, value) in response.headers { headers[name.lowercased()] = value }
    return (Int(response.status.code), headers)
}

public func getJSON(_ url: String) async throws -> Any {
    let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
    let body = try await response.body.collect(upTo: 8 << 20)
    return try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
}

/// A loopback port with nothing listening on it now.
public func freePort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &addr) { p in
        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = bind(fd, $0, len) }
    }
    withUnsafeMutablePointer(to: &addr) { p in
        p.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &len) }
    }
    return Int(UInt16(bigEndian: addr.sin_port))
}
