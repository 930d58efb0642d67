# kubectl create secret tls: the key pair check Go's tls.X509KeyPair makes (PEM blocks,
# certificate, PKCS #1, PKCS #8 and SEC 1 keys, matching public keys) and its errors.
printf '%s\n' '-----BEGIN CERTIFICATE-----' 'MIICEDCCAXmgAwIBAgIUafiH89NERLBNmmdJ6ZEhF0FRK70wDQYJKoZIhvcNAQEL' 'BQAwGjEYMBYGA1UEAwwPd2ViLmV4YW1wbGUuY29tMB4XDTI2MTIwNTE1Mzk0NloX' 'DTM2MTIwMjE1Mzk0NlowGjEYMBYGA1UEAwwPd2ViLmV4YW1wbGUuY29tMIGfMA0G' 'CSqGSIb3DQEBAQUAA4GNADCBiQKBgQDVi5udvpESjJwWUAzLOPM94XhwQwdWskvh' 'CMkbfg5VE+unvG5aJ7wKCScxnANt4g9QvHuVBjUawlIZ63mbPm7O3WGlBH4tkCAr' '80orVwFxehD+ykcIsj9UeIk87bHmgr/72nG3gzRuMjfIoof0+T9SFeiWka/ayBuS' 'PuttxIg8rwIDAQABo1MwUTAdBgNVHQ4EFgQUGlRR5dLJ0QQ25XGAhj0Z/ynpd1Qw' 'HwYDVR0jBBgwFoAUGlRR5dLJ0QQ25XGAhj0Z/ynpd1QwDwYDVR0TAQH/BAUwAwEB' '/zANBgkqhkiG9w0BAQsFAAOBgQA/TrNUMzJNG7GNsUzU+jEB3xGfdrKNPbfMhPDy' 'ZHkB/A1Grp7/fyHiojvClajKKybFo0ld3LmbiHm3kkx5svIbbF2ZFG5pEB0MKMbu' 'av7XGB4Iz0jW+goh+h4xi6JPXRX7HROOXU3uNof30DxBRV/Zob76SCsPBFTLReni' 'aD/UYQ==' '-----END CERTIFICATE-----' > rsa.crt
printf '%s\n' '-----BEGIN PRIVATE KEY-----' 'MIICdwIBADANBgkqhkiG9w0BAQEFAASCAmEwggJdAgEAAoGBANWLm52+kRKMnBZQ' 'DMs48z3heHBDB1ayS+EIyRt+DlUT66e8blonvAoJJzGcA23iD1C8e5UGNRrCUhnr' 'eZs+bs7dYaUEfi2QICvzSitXAXF6EP7KRwiyP1R4iTztseaCv/vacbeDNG4yN8ii' 'h/T5P1IV6JaRr9rIG5I+623EiDyvAgMBAAECgYEApaxLTiXT7X0zd8ghNOV5KZAs' '3YPTRLrNTciAJhk1S2JKGPeC8eUT6QFS7BUrP+v7j9q7UlHfj2QlSEC9NulIE0Ex' 'TATKgNnZL27QGjuQo80f7E8E0pEdg7002Bxl+7alNXQQfno0v3iiX5L7Yr4DnTKv' '0IlgJHDnrtzdg8fEeokCQQDspzTz2q2UHEpAV8+1kiC24UY60WTZMzdR89Syc+zP' 'gQ9cSfl1YNqG68qkpszj9wwJeWSWGnkv1pURS6Iytdt1AkEA5wDKG9+7/7DCRrGF' '7jkOtKMMZFW5z3hzZST8cBP1YIcUHwaimFnPJQQ+Xw77Dc2+NIb77AWw2/FuR5jv' 'NI3HEwJAEvq1/HilQyOhsNdaCS3XAdO/VihE9kZtQV1UyZsSevHW0Yf9QbSq0fdH' 'IT1fYUkG5huePYuR/IwxGFoAgCCloQJBAMeLYwsZBakl42x1xR+3ogBgKEAz3UJe' '5i+k93tJgllT1gnHDYVVbx6mv8oVgsC1zWxKfiuv7srPj1fBwEBBiIkCQB0dYxtY' 'OlF8EK93KjRvATgCFFgutwrTu5AfJ0o6CKVEJpHyeqiqaL8bFAGbKr8ZEGatpnOV' 'M42jwzPe5nCJpxo=' '-----END PRIVATE KEY-----' > rsa.key
printf '%s\n' '-----BEGIN RSA PRIVATE KEY-----' 'MIICXAIBAAKBgQCVqNmwVyozD1Kv4dMte3KYThXBmoxAu+CLMjyCWVnfwN2qc8Kp' 'mP/sKNR0ACZD/N3I7l9vShxnvQVDElUAECAWRV/MVkOpUkSLDPvpVupJOWjU2UgR' '80CelAU99hHpWBCd5aX0nkKRkRACLWEU4ZMBY6IlB7O4V2CGbm4z1Hw3TQIDAQAB' 'AoGAG5oLpBk/YDFoR6X3o8DLzsk/+/f7/AhqjmGShVvjVoAkocY91bexI6YYINjS' 'NeHSKbfFBCp/+KYE7WzZHmza7dhkOlCNLCPnv44panLCzmeBO9r3k2gPztzrhdEv' 'LFUnqJbfo7TDHIsfLlo4YMCFtD2HbsLF61cDpqyE2XyhyuECQQDEQguyh52Nk86V' 'ExgxWeWxoE80s4TaPiXCpbqtI8xJrWJUXLDpHy5HT95q+r9fIHWw52/avqMwBlEV' 'UoGfm11JAkEAwzd9/dKxlUraCYrO5d77w5pHaZXgqNuxgC7ODkMpGb18MmrHoL73' '0SM1ajERRTpsn1tUOz1CzCxyC7TIj+yd5QJAOow1byIT92tzwnc6zWYzJsVbO66e' 'YHkPzLyiLwqx4/zsi5xHTpR1uuJxyNpbAubtFURF0yzyA96ui7zcXJ/9uQJANx2I' 'tcvxlUvfyUfmaCIPhMcfGGFXX3U/ZQhR5tbxWLIVyYo6OFkSUHqXTxbxYFFBb7By' 'VJNUM57sx/9PjMrqPQJBAKZSBGnldlZNa+KI4bV78a3mD6hNzEKbl9Stc6RVowZb' '8jXbn/BaQUjkkqpNHAofxHaeXGZfJTCtfoCAYN1nVTE=' '-----END RSA PRIVATE KEY-----' > rsa2.key
printf '%s\n' '-----BEGIN CERTIFICATE-----' 'MIIBhzCCAS2gAwIBAgIUNqPUf1TUcfHFeKud93FSEWcv6c0wCgYIKoZIzj0EAwIw' 'GTEXMBUGA1UEAwwOZWMuZXhhbXBsZS5jb20wHhcNMjYxMjA1MTUzOTQ2WhcNMzYx' 'MjAyMTUzOTQ2WjAZMRcwFQYDVQQDDA5lYy5leGFtcGxlLmNvbTBZMBMGByqGSM49' 'AgEGCCqGSM49AwEHA0IABOvEodYh+px8cs/uiVrCLOdu2K4Zkl8KTihqhuZ611sq' 'Lylglt1EIz9xIFuOkG/HcVwfD4NtwVi+fxbba19A0uejUzBRMB0GA1UdDgQWBBRb' 'WlT1VVQWsex4WsAyhXsYlSULjzAfBgNVHSMEGDAWgBRbWlT1VVQWsex4WsAyhXsY' 'lSULjzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQCiRX6qujTP' 's3ltQOINpnZBj/whlpCgACAKjiZ8pS6tyQIgXKKylEXkqiO5AUCZRSac5XrHiAqW' 'GK7plSws1Ck53G0=' '-----END CERTIFICATE-----' > ec.crt
printf '%s\n' '-----BEGIN EC PRIVATE KEY-----' 'MHcCAQEEIPLyToVQnnFDwfYiAxk7HM6s60bS0mhKS9+nea3Kq8JboAoGCCqGSM49' 'AwEHoUQDQgAE68Sh1iH6nHxyz+6JWsIs527YrhmSXwpOKGqG5nrXWyovKWCW3UQj' 'P3EgW46Qb8dxXB8Pg23BWL5/FttrX0DS5w==' '-----END EC PRIVATE KEY-----' > ec.key
printf '%s\n' '-----BEGIN PRIVATE KEY-----' 'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8vJOhVCecUPB9iID' 'GTsczqzrRtLSaEpL36d5rcqrwluhRANCAATrxKHWIfqcfHLP7olawiznbtiuGZJf' 'Ck4oaobmetdbKi8pYJbdRCM/cSBbjpBvx3FcHw+DbcFYvn8W22tfQNLn' '-----END PRIVATE KEY-----' > ec-pkcs8.key
printf '%s\n' '-----BEGIN EC PRIVATE KEY-----' 'MHcCAQEEIBoQXBrqWglPPrs4MUgj+G/LPpDfewpxYqsQWHPg5UPioAoGCCqGSM49' 'AwEHoUQDQgAElQi7VzwzRJV3JvLGjR0gZERTnskUK+tfkZtk0A4OkAUqyNfvZXUH' 'e02eNx/kKAhEU2Y2GpSh75K/xbEXyaxwDQ==' '-----END EC PRIVATE KEY-----' > ec2.key
kubectl create secret tls web-tls --cert=rsa.crt --key=rsa.key
kubectl get secret web-tls -o jsonpath='{.type} {.data.tls\.crt}{"\n"}'
kubectl describe secret web-tls
kubectl create secret tls ec-tls --cert=ec.crt --key=ec.key -n kube-public
kubectl create secret tls ec8 --cert ec.crt --key ec-pkcs8.key --dry-run=client -o yaml
kubectl create secret tls ec8 --cert ec.crt --key ec-pkcs8.key --dry-run=server -o name
kubectl create secret tls other --cert=rsa.crt --key=rsa2.key
kubectl create secret tls other --cert=ec.crt --key=ec2.key
kubectl create secret tls other --cert=rsa.crt --key=ec.key
kubectl create secret tls other --cert=rsa.key --key=rsa.crt
kubectl create secret tls other --cert=rsa.crt --key=rsa.crt
touch empty
kubectl create secret tls other --cert=empty --key=rsa.key
kubectl create secret tls other --cert=rsa.crt --key=empty
cat rsa.key ec.key > keys
kubectl create secret tls other --cert=keys --key=rsa.key
cat rsa.crt ec.crt > certs
kubectl create secret tls other --cert=rsa.crt --key=certs
printf '%s\n' '-----BEGIN CERTIFICATE-----' 'not base64!' '-----END CERTIFICATE-----' > bad.crt
kubectl create secret tls other --cert=bad.crt --key=rsa.key
printf '%s\n' '-----BEGIN CERTIFICATE-----' 'aGVsbG8=' '-----END CERTIFICATE-----' > hello.crt
kubectl create secret tls other --cert=hello.crt --key=rsa.key
printf '%s\n' '-----BEGIN PRIVATE KEY-----' 'aGVsbG8=' '-----END PRIVATE KEY-----' > hello.key
kubectl create secret tls other --cert=rsa.crt --key=hello.key
kubectl create secret tls other --cert=nope.crt --key=rsa.key
kubectl create secret tls other --cert=rsa.crt --key=nope.key
kubectl create secret tls other --cert=rsa.crt
kubectl create secret tls --cert=rsa.crt --key=rsa.key
kubectl create secret tls web-tls --cert=rsa.crt --key=rsa.key
kubectl create secret tls other --cert=rsa.crt --key=rsa.key -o wide
