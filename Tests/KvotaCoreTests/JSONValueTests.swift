import KvotaCore
import Testing

@Suite("JSONValue and JSONObject")
struct JSONValueTests {
    @Test("an object built in any member order is the same object, sorted in canonical order")
    func memberOrderDoesNotMatter() {
        let forward = JSONObject([.init("a", 1), .init("b", 2), .init("\u{E000}", 3), .init("\u{1F600}", 4)])
        let backward = JSONObject([.init("\u{1F600}", 4), .init("\u{E000}", 3), .init("b", 2), .init("a", 1)])
        #expect(forward == backward)
        #expect(forward.hashValue == backward.hashValue)
        #expect(forward.keys == ["a", "b", "\u{1F600}", "\u{E000}"])
        #expect(forward.count == 4)
        #expect(!forward.isEmpty)
        #expect(JSONObject().isEmpty)
    }

    @Test("a repeated key keeps the last value given")
    func repeatedKeyKeepsLast() {
        let object = JSONObject([.init("a", 1), .init("b", 2), .init("a", 3)])
        #expect(object.count == 2)
        #expect(object["a"] == .int(3))
        let literal = JSONObject(["k": "first", "k": "second"])
        #expect(literal["k"] == "second")
    }

    @Test("setting members keeps canonical order; setting nil removes")
    func subscriptSetter() {
        var object = JSONObject(["m": 1])
        object["\u{E000}"] = 2
        object["\u{1F600}"] = 3
        object["a"] = 4
        object["z"] = 5
        #expect(object.keys == ["a", "m", "z", "\u{1F600}", "\u{E000}"])
        #expect(object == JSONObject(["z": 5, "\u{E000}": 2, "a": 4, "\u{1F600}": 3, "m": 1]))
        object["m"] = "replaced"
        #expect(object["m"] == "replaced")
        #expect(object.count == 5)
        object["a"] = nil
        object["missing"] = nil
        #expect(object.keys == ["m", "z", "\u{1F600}", "\u{E000}"])
        #expect(object["a"] == nil)
    }

    @Test("accessors return the payload of the matching case only")
    func accessors() {
        #expect(JSONValue.string("x").stringValue == "x")
        #expect(JSONValue.int(1).stringValue == nil)
        #expect(JSONValue.int(-3).intValue == -3)
        #expect(JSONValue.double(4).intValue == 4)
        #expect(JSONValue.double(-0.0).intValue == 0)
        #expect(JSONValue.double(2.5).intValue == nil)
        #expect(JSONValue.double(9_007_199_254_740_992).intValue == nil)
        #expect(JSONValue.double(1e300).intValue == nil)
        #expect(JSONValue.string("4").intValue == nil)
        #expect(JSONValue.null.isNull)
        #expect(!JSONValue.bool(false).isNull)
        let object: JSONValue = ["region": "KZ-75", "n": nil]
        #expect(object.objectValue?.count == 2)
        #expect(object["region"] == "KZ-75")
        #expect(object["n"] == .null)
        #expect(object["absent"] == nil)
        #expect(JSONValue.array(["region"])["region"] == nil)
        #expect(JSONValue.string("region")["region"] == nil)
    }

    @Test("literals build the matching cases")
    func literals() {
        let value: JSONValue = ["s": "t", "i": 7, "b": true, "n": nil, "a": [1, "x"]]
        let expected = JSONValue.object(
            JSONObject([
                .init("s", .string("t")), .init("i", .int(7)), .init("b", .bool(true)), .init("n", .null),
                .init("a", .array([.int(1), .string("x")])),
            ]))
        #expect(value == expected)
    }

    @Test("an int and a double are different values even when numerically equal")
    func intIsNotDouble() {
        #expect(JSONValue.int(2) != JSONValue.double(2))
        #expect(CanonicalJSON.encode(.int(2)) == CanonicalJSON.encode(.double(2)))
    }

    @Test("keys that differ only in Unicode normalization are distinct members")
    func normalizationVariantsAreDistinctKeys() {
        // U+00E9 and "e" + U+0301 are canonically equivalent (Swift String ==) but distinct JSON keys.
        let object = JSONObject([.init("\u{E9}", 1), .init("e\u{301}", 2)])
        #expect(object.count == 2)
    }

    @Test("values that encode to different canonical bytes are not equal")
    func equalValuesEncodeEqually() {
        let composed = JSONValue.string("\u{E9}")
        let decomposed = JSONValue.string("e\u{301}")
        #expect(CanonicalJSON.encode(composed) != CanonicalJSON.encode(decomposed))
        #expect(composed != decomposed)
    }
}
