package io.patgate.account.sso;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoleMappingTest {

    @Test
    void mappedGroupsBecomeTheirRoleAndOthersStayAsTheyAre() {
        RoleMapping mapping = RoleMapping.parse("patgate-admins=admin, /platform/ci=deploy,cn=ops,ou=x=ops");
        assertEquals(
                Set.of("admin", "deploy", "readers"),
                mapping.roles(List.of("patgate-admins", "/platform/ci", "readers")));
    }

    @Test
    void groupsThatCannotBeRolesAreLeftOut() {
        assertEquals(
                Set.of("deploy"), RoleMapping.parse(null).roles(List.of("deploy", "/a/b", "with space", "tokens", "")));
    }

    @Test
    void aClaimIsAListOrOneString() {
        assertEquals(List.of("a", "b"), RoleMapping.groups(List.of("a", 1, "b")));
        assertEquals(List.of("a"), RoleMapping.groups("a"));
        assertEquals(List.of(), RoleMapping.groups(null));
        assertEquals(List.of(), RoleMapping.groups(42));
    }

    @Test
    void aBadMappingStopsTheStartWithItsReason() {
        assertThrows(IllegalArgumentException.class, () -> RoleMapping.parse("admins"));
        assertThrows(IllegalArgumentException.class, () -> RoleMapping.parse("admins=tokens"));
        assertThrows(IllegalArgumentException.class, () -> RoleMapping.parse("admins=has space"));
    }
}
