import ArgumentParser
import Foundation
import KvotaCore

/// How much resident memory the quota rules' state takes per application it remembers: files N
/// applications into a `QuotaState` and reads this process's VmRSS before and after.
struct StateMemoryBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state-memory", abstract: "Resident memory of the quota state per filed application.")

    @Option(help: "Applications to file.") var applications = 100_000

    func run() throws {
        let before = MemorySampler.read(getpid(), "VmRSS") ?? 0
        var state = QuotaState()
        // The slowest single fold: a map that grows by rehashing all its entries at once stalls here.
        let clock = ContinuousClock()
        var slowest = Duration.zero
        for n in 0..<applications {
            let data: JSONObject = [
                "region": "KZ-75", "year": 2026, "line": "foreign-labour",
                "employerBin": .string(BIN.synthetic(n % 500).digits), "category": "cat3", "workers": 5,
                "sector": "F", "countryOfOrigin": "CN", "vacancyRef": .string("enbek-\(n)"),
                "vacancyPostedOn": "2026-01-05",
            ]
            let stream = "application-\(UUID().lowercased)"
            let event = try DomainEvent(stream: stream, type: "ApplicationFiled", data: data)
            let start = clock.now
            state.evolve(event, position: Int64(n))
            slowest = max(slowest, clock.now - start)
            if n % 1000 == 999 { state.flatten() }
        }
        state.flatten()
        let after = MemorySampler.read(getpid(), "VmRSS") ?? 0
        print(
            "quota state of \(applications) filed applications: VmRSS +\((after - before) / 1024) MB = "
                + "\((after - before) * 1024 / applications) bytes each; slowest single fold \(slowest)")
        withExtendedLifetime(state) {}
    }
}
