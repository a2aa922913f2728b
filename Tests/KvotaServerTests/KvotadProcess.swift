import Foundation
import KvotaStore

/// A real `kvotad serve` process (the binary built beside the tests) on a loopback port, for tests
/// of several servers on one database, SIGTERM and `kill -9`.
final class KvotadProcess: Sendable {
    let pid: pid_t
    let baseURL: String
    let log: String

    /// Starts kvotad on `databaseURL` and waits until `/readyz` answers 200.
    static func start(databaseURL: String, extraEnvironment: [String: String] = [:]) async throws -> KvotadProcess {
        guard let port = LoopbackPort.free() else { throw TestServerError(message: "no free loopback port") }
        let log = NSTemporaryDirectory() + "kvotad-\(port)-\(UUID().uuidString.prefix(6)).log"
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KVOTA_") }
        environment["KVOTA_DATABASE_URL"] = databaseURL
        environment["KVOTA_HTTP_ADDRESS"] = "127.0.0.1:\(port)"
        environment["KVOTA_EXPIRY_SWEEP_SECONDS"] = "0"
        environment["KVOTA_LOG_LEVEL"] = "notice"
        environment["KVOTA_SIGNING_KEY_FILE"] = TestServer.signingKeyFile
        environment.merge(extraEnvironment) { $1 }
        let pid = try ProcessRunner.spawn([try binary(), "serve"], environment: environment, log: log)
        let process = KvotadProcess(pid: pid, baseURL: "http://127.0.0.1:\(port)", log: log)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let answer = try? await API(process.baseURL).send("GET", "/readyz", record: false), answer.status == 200
            {
                return process
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw TestServerError(message: "kvotad exited at start: \(process.logText)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        process.kill(SIGKILL)
        throw TestServerError(message: "kvotad did not become ready: \(process.logText)")
    }

    private init(pid: pid_t, baseURL: String, log: String) {
        self.pid = pid
        self.baseURL = baseURL
        self.log = log
    }

    var logText: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "(no log)" }

    func kill(_ signal: Int32) { _ = Foundation.kill(pid, signal) }

    /// Waits for the process to end: its exit status, or 128 + the signal.
    func wait() async -> Int32 {
        let pid = self.pid
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: ProcessRunner.wait(pid)) }
        }
    }

    /// The kvotad built beside this test binary (`KVOTA_KVOTAD` overrides).
    static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["KVOTA_KVOTAD"], !path.isEmpty { return path }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for directory in [beside, beside.deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("kvotad").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestServerError(
            message: "no kvotad binary beside \(CommandLine.arguments[0]); build it first (tools/test does)")
    }
}
