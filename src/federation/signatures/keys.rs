//! PEM keys turned into `ring` keys. Parsing costs far more than a signature, so callers cache
//! the results (see `federation::keycache`).

use anyhow::{Context, anyhow};
use ring::{
    rand::SystemRandom,
    signature::{self, RsaKeyPair},
};
use rsa::{
    RsaPrivateKey, RsaPublicKey,
    pkcs1::{DecodeRsaPublicKey, EncodeRsaPublicKey},
    pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey},
};

/// Our private key, ready to sign with RSASSA-PKCS1-v1_5 / SHA-256.
pub struct SigningKey {
    pair: RsaKeyPair,
    rng: SystemRandom,
}

impl SigningKey {
    pub fn from_pem(pem: &str) -> anyhow::Result<Self> {
        let key = RsaPrivateKey::from_pkcs8_pem(pem).context("private key is not PKCS#8 PEM")?;
        let der = key.to_pkcs8_der().context("cannot re-encode private key")?;
        let pair =
            RsaKeyPair::from_pkcs8(der.as_bytes()).map_err(|e| anyhow!("ring rejects key: {e}"))?;
        Ok(SigningKey {
            pair,
            rng: SystemRandom::new(),
        })
    }

    pub fn sign(&self, message: &[u8]) -> anyhow::Result<Vec<u8>> {
        let mut signature = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &self.rng,
                message,
                &mut signature,
            )
            .map_err(|_| anyhow!("RSA signing failed"))?;
        Ok(signature)
    }
}

/// A remote actor's public key.
#[derive(Clone)]
pub struct VerifyingKey {
    pkcs1_der: Vec<u8>,
}

impl VerifyingKey {
    /// Reads `BEGIN PUBLIC KEY` (SPKI, what nearly everyone sends) or `BEGIN RSA PUBLIC KEY`.
    pub fn from_pem(pem: &str) -> anyhow::Result<Self> {
        let pem = pem.trim();
        let key = RsaPublicKey::from_public_key_pem(pem)
            .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem))
            .context("public key is not an RSA PEM")?;
        let der = key.to_pkcs1_der().context("cannot re-encode public key")?;
        Ok(VerifyingKey {
            pkcs1_der: der.as_bytes().to_vec(),
        })
    }

    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &self.pkcs1_der)
            .verify(message, signature)
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::{SigningKey, VerifyingKey};

    #[test]
    fn a_signature_verifies_with_its_key_only() {
        let pair = activitypub_federation::http_signatures::generate_actor_keypair().unwrap();
        let other = activitypub_federation::http_signatures::generate_actor_keypair().unwrap();
        let signer = SigningKey::from_pem(&pair.private_key).unwrap();
        let signature = signer.sign(b"message").unwrap();
        assert!(
            VerifyingKey::from_pem(&pair.public_key)
                .unwrap()
                .verify(b"message", &signature)
        );
        assert!(
            !VerifyingKey::from_pem(&pair.public_key)
                .unwrap()
                .verify(b"messagE", &signature)
        );
        assert!(
            !VerifyingKey::from_pem(&other.public_key)
                .unwrap()
                .verify(b"message", &signature)
        );
        assert!(VerifyingKey::from_pem("not a key").is_err());
    }
}
