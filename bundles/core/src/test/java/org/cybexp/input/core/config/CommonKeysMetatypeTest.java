package org.cybexp.input.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.cybexp.input.core.reference.ValueReferences;
import org.junit.jupiter.api.Test;

/** The core's metatype, as bnd generated it: every key of every input, designated for the MetaTypeService. */
class CommonKeysMetatypeTest {

    @Test
    void declaresEveryCommonAndCoreKey() {
        ObjectClass common = new CommonConfigValidator(new ValueReferences(k -> null)).commonKeys();
        assertTrue(common.keys().keySet().containsAll(List.of("name", "orgid", "typetag", "timezone", "period",
                "enabled", "min_interval", "fetch_timeout", "dedup_ttl_days", "verify_tls", "ca_file", "proxy",
                "user_agent", "http_timeout", "client_cert", "client_cert_password", "allowed_orgids",
                "allowed_typetags", "tls_cert", "tls_key", "tls_keystore", "tls_keystore_password", "tls_ca",
                "tls_client_auth", "allowed_file_roots")), common.keys().keySet().toString());
        assertEquals("0", common.keys().get("min_interval").min());
        assertEquals(List.of("none", "want", "need"), common.keys().get("tls_client_auth").options());
        assertEquals("Password", common.keys().get("client_cert_password").type());
    }

    @Test
    void isDesignatedSoAWebConsoleFindsIt() {
        assertTrue(new BundleMetatypes().designated(CommonKeys.class, CommonKeys.ID).isPresent());
    }
}
