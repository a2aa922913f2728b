import KvotaCore
import Testing

private func streamError(_ stream: String) -> EnvelopeError? {
    do {
        try StreamName.validate(stream)
        return nil
    } catch {
        return error
    }
}

private func typeError(_ type: String) -> EnvelopeError? {
    do {
        try StreamName.validateType(type)
        return nil
    } catch {
        return error
    }
}

@Suite("StreamName: stream and type rules, category and scope region")
struct StreamNameTests {
    @Test(
        "valid stream names",
        arguments: [
            "permit-3f2a0c4e-1b2d-4e5f-8a9b-0c1d2e3f4a5b", "application-0b7e", "quota-2025-foreign-labour",
            "quota-2025-household-immigrant", "employer-123456789012", "a-b", "permit-ABC", "x-1-",
            "permit-" + String(repeating: "a", count: 193),
        ])
    func valid(stream: String) {
        #expect(streamError(stream) == nil)
    }

    @Test(
        "invalid stream names name the field and the rule",
        arguments: [
            "permit", "-abc", "permit-", "Permit-1", "permit_1", "per mit-1", "permit-1_2", "permit-é", "пермит-1",
            "1permit-x", "permit-1 ", " permit-1", "permit-1/2", "permit-1\n",
        ])
    func invalid(stream: String) throws {
        let error = try #require(streamError(stream))
        #expect(error.field == "stream")
        #expect(error.code == "invalid-field")
        #expect(error.message == "must be <category>-<id>: lowercase letters, '-', then letters, digits and '-'")
    }

    @Test("stream names are 1 to 200 bytes")
    func length() throws {
        #expect(streamError("permit-" + String(repeating: "a", count: 193)) == nil)
        for stream in ["", "permit-" + String(repeating: "a", count: 194)] {
            let error = try #require(streamError(stream))
            #expect(error == EnvelopeError(field: "stream", message: "must be 1 to 200 characters"))
        }
    }

    @Test("valid event types", arguments: ["PermitIssued", "A", "CeilingSet", "V2", String(repeating: "X", count: 64)])
    func validType(type: String) {
        #expect(typeError(type) == nil)
    }

    @Test(
        "invalid event types",
        arguments: [
            "", "permitIssued", "Permit_Issued", "Permit Issued", "Permit-Issued", "9Lives", "Älg", "PermitIssued.",
            String(repeating: "X", count: 65),
        ])
    func invalidType(type: String) {
        #expect(
            typeError(type)
                == EnvelopeError(field: "type", message: "must be 1 to 64 letters and digits, starting uppercase"))
    }

    @Test("the category is the part before the first hyphen")
    func category() {
        #expect(StreamName.category(of: "permit-3f2a") == "permit")
        #expect(StreamName.category(of: "quota-2025-foreign-labour") == "quota")
        #expect(StreamName.category(of: "application-a-b") == "application")
        #expect(StreamName.category(of: "nohyphen") == "nohyphen")
    }

    @Test("application and permit streams are scoped to data.region of their first event")
    func scopedStreams() {
        let data: JSONValue = ["region": "KZ-75", "year": 2025]
        #expect(StreamName.scopeRegion(stream: "application-0b7e", firstEventData: data) == "KZ-75")
        #expect(StreamName.scopeRegion(stream: "permit-3f2a", firstEventData: data) == "KZ-75")
        // No region, or a region that is not a string: not scoped.
        #expect(StreamName.scopeRegion(stream: "permit-3f2a", firstEventData: ["year": 2025]) == nil)
        #expect(StreamName.scopeRegion(stream: "permit-3f2a", firstEventData: ["region": 75]) == nil)
        #expect(StreamName.scopeRegion(stream: "permit-3f2a", firstEventData: ["region": nil]) == nil)
    }

    @Test("quota and employer streams (and any other category) are visible to every region")
    func unscopedStreams() {
        let data: JSONValue = ["region": "KZ-75"]
        #expect(StreamName.scopeRegion(stream: "quota-2025-foreign-labour", firstEventData: data) == nil)
        #expect(StreamName.scopeRegion(stream: "employer-123456789012", firstEventData: data) == nil)
        #expect(StreamName.scopeRegion(stream: "permits-3f2a", firstEventData: data) == nil)
        #expect(StreamName.scopeRegion(stream: "applicationx-1", firstEventData: data) == nil)
    }
}
