# flake8: noqa

# import apis into api package
from tokenledger_admin.api.audit_api import AuditApi
from tokenledger_admin.api.credentials_api import CredentialsApi
from tokenledger_admin.api.deployments_api import DeploymentsApi
from tokenledger_admin.api.keys_api import KeysApi
from tokenledger_admin.api.limits_api import LimitsApi
from tokenledger_admin.api.prices_api import PricesApi
from tokenledger_admin.api.tenancy_api import TenancyApi
from tokenledger_admin.api.usage_api import UsageApi

